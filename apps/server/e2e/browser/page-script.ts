/**
 * The script of the test page (bundled for the browser by `browser.test.ts`): what a web MCP
 * client on another origin does, written with the official MCP client and with plain `fetch`.
 * Every check resolves with what the script could observe, never throws, so a blocked request
 * comes back as `{ error }` beside the browser's console messages instead of a bare rejection.
 *
 * @module
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/** The two wires a browser client can speak: the 2026-07-28 envelope, or the 2025-11-25 session. */
export type Wire = '2026-07-28' | '2025-11-25';

/** What a raw `fetch` observed: the status, the headers script could read, the body. */
export interface RawOutcome {
  status?: number;
  wwwAuthenticate?: string | null;
  body?: unknown;
  error?: string;
}

/** What the official client did with a token: the tool names it listed and two tool results. */
export interface ClientOutcome {
  tools?: string[];
  whoami?: unknown;
  echo?: string;
  error?: string;
}

/** The functions the page exposes on `window.mcpChecks`. */
export interface PageChecks {
  anonymousCall(mcpUrl: string, wire: Wire): Promise<RawOutcome>;
  officialClient(mcpUrl: string, token: string, wire: Wire): Promise<ClientOutcome>;
  rawToolCall(mcpUrl: string, token: string, wire: Wire): Promise<RawOutcome>;
}

// Generous for a loaded machine, yet bounded: a check never hangs the test.
const REQUEST_TIMEOUT_MS = 30_000;

const CLIENT_INFO = { name: 'mcp-warden-browser-test', version: '1.0.0' };

/** The body and headers a client of each revision sends for a `tools/call` (MCP transport specs). */
function toolCallRequest(
  wire: Wire,
  name: string,
  args: Record<string, unknown>,
): { headers: Record<string, string>; body: unknown } {
  if (wire === '2025-11-25') {
    return {
      headers: { 'Mcp-Protocol-Version': wire },
      body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
    };
  }
  return {
    // 2026-07-28 Streamable HTTP: `Mcp-Method` on every request, `Mcp-Name` on named operations,
    // and `Mcp-Param-*` for parameters a tool chooses to expose as headers.
    headers: {
      'Mcp-Protocol-Version': wire,
      'Mcp-Method': 'tools/call',
      'Mcp-Name': name,
      'Mcp-Param-Region': 'eu-west',
    },
    body: {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name,
        arguments: args,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': wire,
          'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
  };
}

async function send(mcpUrl: string, wire: Wire, token: string | undefined): Promise<RawOutcome> {
  const request = toolCallRequest(wire, 'whoami', {});
  try {
    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        ...request.headers,
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the assertion message
    }
    return { status: response.status, wwwAuthenticate: response.headers.get('WWW-Authenticate'), body };
  } catch (error) {
    return { error: String(error) };
  }
}

function firstText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content;
  return content?.[0]?.text ?? '';
}

async function officialClient(mcpUrl: string, token: string, wire: Wire): Promise<ClientOutcome> {
  const client = new Client(CLIENT_INFO, {
    versionNegotiation: { mode: wire === '2026-07-28' ? { pin: wire } : 'legacy' },
  });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  try {
    await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    const listed = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
    const whoami = await client.callTool({ name: 'whoami', arguments: {} }, { timeout: REQUEST_TIMEOUT_MS });
    const echo = await client.callTool(
      { name: 'echo', arguments: { text: 'from the browser' } },
      { timeout: REQUEST_TIMEOUT_MS },
    );
    return {
      tools: listed.tools.map((tool) => tool.name).sort(),
      whoami: JSON.parse(firstText(whoami)),
      echo: firstText(echo),
    };
  } catch (error) {
    return { error: String(error) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

const checks: PageChecks = {
  anonymousCall: (mcpUrl, wire) => send(mcpUrl, wire, undefined),
  officialClient,
  rawToolCall: (mcpUrl, token, wire) => send(mcpUrl, wire, token),
};

(globalThis as unknown as { mcpChecks: PageChecks }).mcpChecks = checks;
