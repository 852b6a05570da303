// @ka/app-kit: helpers the apps under apps/ share. Private to this repository.
export {
  argOptions,
  hostPortArg,
  intArg,
  parseCommandLine,
  UsageError,
  urlArg,
} from './args.js';
export { median } from './stats.js';
