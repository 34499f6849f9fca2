import { isHostPort } from '../../src/common/host-port';

describe('isHostPort', () => {
  it.each(['localhost:7233', '0.0.0.0:9464', 'temporal.example.com:7233', '[::1]:7233', '[::]:9464'])(
    'accepts %s',
    (text) => {
      expect(isHostPort(text)).toBe(true);
    },
  );

  it.each([
    'localhost',
    ':7233',
    'http://localhost:7233',
    'localhost:port',
    '::1:7233',
    'local host:7233',
    'localhost:123456',
    '[::1]',
  ])('refuses %s', (text) => {
    expect(isHostPort(text)).toBe(false);
  });
});
