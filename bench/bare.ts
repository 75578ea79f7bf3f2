import Fastify from 'fastify';

/**
 * The ceiling: a bare Fastify route answering a constant JSON:API body of the same size. With
 * BARE_DATABASE_URL, each request first reads its SKU's stock items (one indexed statement through
 * a postgres.js pool of the server's size), the least any uncached availability read must do.
 */
const body = process.env.BARE_BODY ?? '{}';
const url = process.env.BARE_DATABASE_URL;
// imported only here: the plain bare route loads nothing of Allot's
const database = url
  ? (await import('../src/db/client')).connect(url, (await import('../src/config')).loadConfig().dbPoolSize)
  : undefined;
const app = Fastify({ logger: false });
app.addContentTypeParser('application/vnd.api+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
app.route({
  method: (process.env.BARE_METHOD ?? 'GET') as 'GET',
  url: process.env.BARE_PATH ?? '/api/skus/:id',
  handler: async (req, reply) => {
    if (database) {
      const rows = await database.sql`select id, stock_location_id, quantity, reserved_quantity from stock_items
        where mode = 'test' and sku_id = ${(req.params as { id: string }).id}`;
      if (!rows.length) return reply.code(404).send();
    }
    return reply.type('application/vnd.api+json').send(body);
  },
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stderr.write('bare ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
