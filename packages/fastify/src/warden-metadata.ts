/**
 * Serves the discovery documents (RFC 9728 protected-resource metadata at the path-inserted and
 * root URLs, RFC 8414 authorization-server metadata) from `@mcp-warden/metadata` (RFC 9728, RFC 8414), as
 * native Fastify routes answered with the metadata package's own status, headers and body.
 *
 * @module
 */
import type { MetadataRoutes } from '@mcp-warden/core/adapter';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Options for {@link wardenMetadata}. */
export interface WardenMetadataOptions {
  /** The provider from `createMetadataProvider(config)`. */
  metadata: MetadataRoutes;
}

/**
 * Adds one route per well-known path, for every method Fastify knows: GET and HEAD answer the
 * document, OPTIONS the CORS preflight, anything else a 405 with `Allow` (RFC 9728 §3). The routes carry
 * `config.warden = false`, so a `wardenPlugin` in the same scope never authenticates them.
 *
 * @param caller - the public name to blame in the start-up error.
 */
export function registerMetadataRoutes(instance: FastifyInstance, metadata: MetadataRoutes, caller: string): void {
  if (metadata === undefined || typeof metadata.respond !== 'function') {
    throw new TypeError(`${caller}: options.metadata must be a provider from createMetadataProvider()`);
  }
  // Under a prefix the documents would land on /prefix/.well-known/..., where no client looks.
  if (instance.prefix !== '') {
    throw new TypeError(
      `${caller}: the discovery documents must be served from the root, but this scope has the prefix "${instance.prefix}"; register wardenMetadata on the root instance`,
    );
  }
  for (const path of metadata.paths) {
    instance.route({
      method: instance.supportedMethods,
      url: path,
      exposeHeadRoute: false,
      config: { warden: false },
      handler(request, reply) {
        const send = () => {
          const answer = metadata.respond(request.method, path, request.headers.host);
          if (answer === undefined) return reply.callNotFound();
          // A Buffer, not a string: Fastify would append "; charset=utf-8" to the Content-Type.
          return reply
            .code(answer.status)
            .headers(answer.headers)
            .send(answer.body === null ? undefined : Buffer.from(answer.body));
        };
        // A document still being fetched (the provider's mirrored metadata, fetched on first use).
        const loading = metadata.prepare?.(path);
        return loading === undefined ? send() : loading.then(send);
      },
    });
  }
}

const metadataPlugin: FastifyPluginAsync<WardenMetadataOptions> = async (instance, options) => {
  registerMetadataRoutes(instance, options?.metadata, 'wardenMetadata');
};

/**
 * Fastify plugin serving the discovery documents. Register it on the root instance (the
 * well-known paths are absolute, RFC 9728 §3.1), whether or not your MCP routes live under a
 * prefix. The routes never require authentication (RFC 9728 §3).
 *
 * @example
 * ```ts
 * import { createMetadataProvider } from '@mcp-warden/metadata';
 * import { wardenMetadata } from '@mcp-warden/fastify';
 *
 * await app.register(wardenMetadata, { metadata: await createMetadataProvider(config) });
 * ```
 */
export const wardenMetadata = fp(metadataPlugin, { fastify: '5.x', name: '@mcp-warden/fastify/metadata' });
