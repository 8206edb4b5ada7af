/**
 * Several reference-server processes behind one (imagined) load balancer: each on its own port,
 * all serving the same public resource URL and sharing one real `redis-server` through
 * `MCP_REDIS_URL` (docs/scaling.md). A test presents a credential to one instance and then to
 * another, and can kill or restart Redis in between.
 *
 * @module
 */
import {
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from '../../../packages/redis/src/__fixtures__/redis-server.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

export interface InstancesSharingRedis {
  /** The Redis every instance uses: kill and restart it to play an outage. */
  redis: RedisServer;
  /** The running instances, in the order they were started. */
  instances: ServerProcess[];
  /** Stops every instance, then Redis. Idempotent. */
  stop(): Promise<void>;
}

export interface InstancesSharingRedisOptions {
  /** How many instances (default 2). */
  count?: number;
  /**
   * The environment of every instance (give them the same `MCP_RESOURCE_URL`: one resource behind
   * one load balancer), or a function giving the environment of the n-th (0-based), for instances
   * that differ (another `MCP_HTTP_FRAMEWORK`). `MCP_REDIS_URL` is set by the fixture.
   */
  env: Record<string, string> | ((index: number) => Record<string, string>);
  /** Options of the Redis server (a password, a fixed port). */
  redis?: RedisServerOptions;
}

/**
 * Starts Redis, then the instances one after another, each waited for until it listens.
 *
 * @example
 * ```ts
 * const { instances: [a, b], redis, stop } = await startInstancesSharingRedis({
 *   env: { MCP_RESOURCE_URL: resource, MCP_OAUTH_INTROSPECTION_ENDPOINT: endpoint },
 * });
 * ```
 */
export async function startInstancesSharingRedis(
  options: InstancesSharingRedisOptions,
): Promise<InstancesSharingRedis> {
  const redis = await startRedisServer(options.redis);
  const instances: ServerProcess[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.stop();
  };
  try {
    for (let index = 0; index < (options.count ?? 2); index++) {
      const env = typeof options.env === 'function' ? options.env(index) : options.env;
      instances.push(await startServerProcess({ env: { ...env, MCP_REDIS_URL: redis.url } }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, instances, stop };
}
