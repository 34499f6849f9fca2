import { resolveTemporalTarget } from '../../src/cli/connection';
import { CliError, ExitCode } from '../../src/cli/exit-codes';

describe('the CLI reads its Temporal connection settings', () => {
  it('turns TLS on for an API key', () => {
    const { connectionOptions } = resolveTemporalTarget(
      {},
      { TEMPORAL_ADDRESS: 'example.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-123' },
    );
    expect(connectionOptions).toMatchObject({ address: 'example.tmprl.cloud:7233', apiKey: 'key-123' });
    expect(connectionOptions.tls).toBeTruthy();
  });

  it('treats an empty TEMPORAL_API_KEY as unset: no API key and no TLS, as the worker does', () => {
    const { connectionOptions } = resolveTemporalTarget(
      {},
      { TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_API_KEY: '' },
    );
    expect(connectionOptions.apiKey).toBeUndefined();
    expect(connectionOptions.tls).toBeFalsy();
  });

  it.each([['localhost:7233'], ['10.0.0.5:7233'], ['[::1]:7233']])('accepts the address %s', (address) => {
    expect(resolveTemporalTarget({ address }, {}).address).toBe(address);
  });

  it.each([['localhost'], ['http://localhost:7233'], ['::1:7233'], ['local host:7233']])(
    'refuses the address %s with exit code 2, naming --address',
    (address) => {
      expect(() => resolveTemporalTarget({ address }, {})).toThrow(
        expect.objectContaining({
          exitCode: ExitCode.BadInput,
          message: expect.stringContaining('--address must be host:port'),
        }) as CliError,
      );
    },
  );
});
