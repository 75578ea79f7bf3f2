import http from 'node:http';

/** The floor of any Node server: node:http answering a constant body of the same size, nothing else. */
const body = Buffer.from(process.env.BARE_BODY ?? '{}');
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/vnd.api+json', 'content-length': body.length });
  res.end(body);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stderr.write('bare ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
