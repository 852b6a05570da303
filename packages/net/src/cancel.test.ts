import { expect, test } from 'vitest';
import { withCancel } from './cancel.js';

// Counts the 'abort' listeners a signal holds, through its add/remove methods.
function tracked(signal: AbortSignal): { count(): number } {
  let n = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, fn: never, opts?: never) => {
    if (type === 'abort') n++;
    add(type, fn, opts);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, fn: never, opts?: never) => {
    if (type === 'abort') n--;
    remove(type, fn, opts);
  }) as typeof signal.removeEventListener;
  return { count: () => n };
}

test('cancel aborts the child only, with its reason, and detaches from the parent', () => {
  const parent = new AbortController();
  const t = tracked(parent.signal);
  const child = withCancel(parent.signal);
  expect(t.count()).toBe(1);
  const reason = new Error('done');
  child.cancel(reason);
  expect(child.signal.aborted).toBe(true);
  expect(child.signal.reason).toBe(reason);
  expect(parent.signal.aborted).toBe(false);
  expect(t.count()).toBe(0);
});

test('the child follows the parent, with the parent reason', () => {
  const parent = new AbortController();
  const child = withCancel(parent.signal);
  const reason = new Error('shutdown');
  parent.abort(reason);
  expect(child.signal.aborted).toBe(true);
  expect(child.signal.reason).toBe(reason);
  child.cancel(); // harmless afterwards
  expect(child.signal.reason).toBe(reason);
});

test('an already aborted parent gives an aborted child', () => {
  const parent = AbortSignal.abort('early');
  const child = withCancel(parent);
  expect(child.signal.aborted).toBe(true);
  expect(child.signal.reason).toBe('early');
});

test('many children of a long-lived parent leave no listeners behind', () => {
  const parent = new AbortController();
  const t = tracked(parent.signal);
  for (let i = 0; i < 1000; i++) {
    const c = withCancel(parent.signal);
    if (i % 2 === 0) c.cancel();
    else c.dispose();
  }
  expect(t.count()).toBe(0);
});

test('dispose detaches without aborting; cancel still works', () => {
  const parent = new AbortController();
  const child = withCancel(parent.signal);
  child.dispose();
  parent.abort();
  expect(child.signal.aborted).toBe(false);
  child.cancel();
  expect(child.signal.aborted).toBe(true);
  expect((child.signal.reason as Error).name).toBe('AbortError');
});

test('no parent: a plain cancellable signal', () => {
  const c = withCancel();
  expect(c.signal.aborted).toBe(false);
  c.cancel('why');
  expect(c.signal.reason).toBe('why');
});
