// The log check is only as good as its search: prove it finds a leak, whole or cut, raw or escaped.
import { describe, expect, it } from 'vitest';
import { CredentialLedger } from './credential-ledger.js';

describe('CredentialLedger', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXRoYXQtaXMtcXVpdGUtbG9uZy1lbm91Z2g';

  it('finds a recorded token in a log line, and only its redacted prefix is reported', () => {
    const ledger = new CredentialLedger();
    ledger.add(token);
    const leaks = ledger.leaksIn(`{"level":30,"msg":"request rejected","header":"Bearer ${token}"}\n`);
    expect(leaks).toHaveLength(2); // the token, and its signature
    expect(leaks.join()).not.toContain(token.slice(0, 12));
  });

  it('finds a JWT signature logged on its own', () => {
    const ledger = new CredentialLedger();
    ledger.add(token);
    expect(ledger.leaksIn(`sig=${token.split('.')[2]}`)).toHaveLength(1);
  });

  it('finds the credential of an Authorization value, and a value JSON-escaped in a log line', () => {
    const ledger = new CredentialLedger();
    ledger.addAuthorization('Bearer api-key-with-"quotes"-0123');
    expect(ledger.leaksIn('{"apiKey":"api-key-with-\\"quotes\\"-0123"}')).toHaveLength(1);
  });

  it('finds the password of Basic credentials logged decoded, alone or with its user id', () => {
    const ledger = new CredentialLedger();
    const password = 'basic-password-0123456789';
    ledger.addAuthorization(`Basic ${Buffer.from(`ada:${password}`).toString('base64')}`);
    expect(ledger.leaksIn(`{"msg":"x","password":"${password}"}`)).toHaveLength(1);
    expect(ledger.leaksIn(`{"msg":"x","userinfo":"ada:${password}"}`)).toHaveLength(2);
    expect(ledger.leaksIn('{"msg":"request rejected","user":"ada"}')).toEqual([]);
  });

  it('reports nothing for a clean log, and ignores values too short to mean anything', () => {
    const ledger = new CredentialLedger();
    ledger.add(token);
    ledger.add('short');
    expect(ledger.leaksIn('{"msg":"request rejected","code":"ERR_CREDENTIALS_INVALID"} short')).toEqual([]);
  });
});
