/**
 * The contract between the behaviour cases and the adapters: every harness builds the same
 * application from an {@link AppSpec}, in its framework's idiom, and serves it on 127.0.0.1:0.
 *
 * @module
 */
import type { Authenticator, CorsOption, RouteAuthOptions } from '@mcp-warden/core';
import type { MetadataProvider } from '@mcp-warden/metadata';

/** One route of the application under test. Every route answers GET, POST, DELETE and OPTIONS. */
export interface RouteSpec {
  path: string;
  /** Per-route overrides of the adapter's options (each framework's own override mechanism). */
  override?: RouteAuthOptions;
  /** A route the adapter never authenticates (no middleware / `config.warden = false`). */
  public?: boolean;
}

/** The application every adapter builds for one scenario. */
export interface AppSpec {
  authenticator: Authenticator;
  metadata: MetadataProvider;
  /**
   * `routes`: the discovery documents through the adapter's `wardenMetadata`, and authentication
   * mounted per route. `app`: one `wardenAuth` / `wardenPlugin` with `metadata` protects the whole
   * application, overrides are not used.
   */
  mount: 'routes' | 'app';
  /** Adapter options shared by every protected route. */
  cors?: CorsOption;
  routes: RouteSpec[];
}

/**
 * What every route handler answers: `200 { auth }` with the `AuthInfo` the adapter gave it
 * (`null` when anonymous), serialised as JSON.
 */
export interface EchoBody {
  auth: unknown;
}

/** A started application. */
export interface RunningApp {
  baseUrl: string;
  close(): Promise<void>;
}

/** One adapter's way of building and serving an {@link AppSpec}. */
export interface AdapterHarness {
  name: 'express' | 'fastify' | 'hono';
  start(spec: AppSpec): Promise<RunningApp>;
}
