// Node's `ws` client against a Corral URL: sends a text and a binary message, prints what came back, closes
// with 1000 and prints the close code it got back. Used by NodeWsClientTest.
import WebSocket from 'ws';

const url = process.argv[2];
const ws = new WebSocket(url, { perMessageDeflate: true });
const seen = [];
ws.on('open', () => {
  ws.send('hello from node');
  ws.send(Buffer.from([1, 2, 3, 4]));
});
ws.on('message', (data, isBinary) => {
  seen.push(isBinary ? `binary:${data.length}` : `text:${data.toString()}`);
  if (seen.length === 2) ws.close(1000, 'done');
});
ws.on('close', (code) => {
  console.log(JSON.stringify({ seen, code, extensions: ws.extensions }));
  process.exit(0);
});
ws.on('error', (e) => { console.error(String(e)); process.exit(1); });
setTimeout(() => { console.error('timeout'); process.exit(2); }, 10000);
