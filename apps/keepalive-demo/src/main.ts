// Placeholder for the keep-alive demo (issue: "The examples and the main job"). Until the
// server and client land, it shows the one fact the demo is about with what exists today:
// bytes written through Go's bufio land in the socket as one write.
import { BufWriter, BytesWriter } from '@ka/io';

const sink = new BytesWriter();
let writes = 0;
const counting = {
  write: async (p: Uint8Array) => {
    writes++;
    return sink.write(p);
  },
};
const bw = new BufWriter(counting);
await bw.writeString('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n');
await bw.writeString('hello\n');
await bw.flush();
console.log('ka keep-alive demo (placeholder: the server and client are still being built)');
console.log(`a response head and body buffered by BufWriter went out in ${writes} write(s):`);
console.log(JSON.stringify(sink.toString()));
