// A TCP proxy in front of the server whose connections the test can cut, as a lost network would.
import net from 'node:net';

export async function startProxy(target) {
  const { hostname, port } = new URL(target);
  const open = new Set();
  const server = net.createServer(client => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut() { for (const s of open) s.destroy(); },
    close() { this.cut(); return new Promise(resolve => server.close(resolve)); },
  };
}
