import { describe, expect, it } from 'vitest';
import { defaults, OptionsError, parseCommandLine, parseHostPort, parseOrigin } from './options';

describe('parseCommandLine', () => {
  it('uses the defaults when nothing is given', () => {
    const { help, options, tlsFiles } = parseCommandLine([], {});
    expect(help).toBe(false);
    expect(tlsFiles).toBeUndefined();
    expect(options).toEqual({
      listen: '127.0.0.1',
      port: 8080,
      root: 'build',
      allow: [],
      allowIpLiterals: false,
      trustProxy: false,
    });
    expect(defaults.ports).toEqual([1958, 1965]);
  });

  it('reads every flag, repeatable ones included', () => {
    const { options, tlsFiles } = parseCommandLine(
      [
        '--listen',
        '0.0.0.0',
        '--port',
        '9000',
        '--allow',
        '127.0.0.1:1958',
        '--allow',
        'localhost:1965',
        '--origin',
        'https://mail.example.org',
        '--origin',
        'https://webmail.example.org:8443',
        '--ports',
        '1958, 1965,2000',
        '--max-tunnels',
        '500',
        '--max-per-ip',
        '8',
        '--rate-per-ip',
        '300',
        '--connect-timeout',
        '2.5',
        '--idle-timeout',
        '60',
        '--max-lifetime',
        '600',
        '--max-message',
        '65536',
        '--trust-proxy',
        '--allow-ip-literals',
        '--tls-cert',
        'c.pem',
        '--tls-key',
        'k.pem',
      ],
      {},
    );
    expect(options).toEqual({
      listen: '0.0.0.0',
      port: 9000,
      root: 'build',
      allow: ['127.0.0.1:1958', 'localhost:1965'],
      origins: ['https://mail.example.org', 'https://webmail.example.org:8443'],
      ports: [1958, 1965, 2000],
      maxTunnels: 500,
      maxTunnelsPerIp: 8,
      newTunnelsPerMinute: 300,
      connectTimeoutMs: 2500,
      idleTimeoutMs: 60_000,
      maxLifetimeMs: 600_000,
      maxMessageBytes: 65536,
      trustProxy: true,
      allowIpLiterals: true,
    });
    expect(tlsFiles).toEqual({ cert: 'c.pem', key: 'k.pem' });
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      BRIDGE_PORT: '7000',
      BRIDGE_ALLOW: '127.0.0.1:1958,[::1]:1958',
      BRIDGE_ORIGIN: 'https://a.example',
      BRIDGE_IDLE_TIMEOUT: '5',
      BRIDGE_TRUST_PROXY: '1',
    };
    const { options } = parseCommandLine(['--port', '7001'], env);
    expect(options.port).toBe(7001);
    expect(options.allow).toEqual(['127.0.0.1:1958', '[::1]:1958']);
    expect(options.origins).toEqual(['https://a.example']);
    expect(options.idleTimeoutMs).toBe(5000);
    expect(options.trustProxy).toBe(true);
  });

  it('rejects bad values with an OptionsError naming the flag', () => {
    const bad: [string[], RegExp][] = [
      [['--port', '70000'], /--port/],
      [['--port', 'x'], /--port/],
      [['--ports', '1958,0'], /--ports/],
      [['--allow', 'nohost'], /HOST:PORT/],
      [['--allow', '127.0.0.1:99999'], /HOST:PORT/],
      [['--origin', 'mail.example.org'], /origin/],
      [['--origin', 'https://a.example/path'], /origin/],
      [['--idle-timeout', '-1'], /--idle-timeout/],
      [['--max-message', '10'], /--max-message/],
      [['--rate-per-ip', '0'], /--rate-per-ip/],
      [['--tls-cert', 'c.pem'], /go together/],
      [['--unknown'], /Unknown option/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseCommandLine(argv, {})).toThrow(OptionsError);
      expect(() => parseCommandLine(argv, {})).toThrow(message);
    }
  });

  it('parses host:port and origins', () => {
    expect(parseHostPort('Mail.Example.org.:1958')).toEqual({ host: 'mail.example.org', port: 1958 });
    expect(parseHostPort('[::1]:1958')).toEqual({ host: '::1', port: 1958 });
    expect(parseOrigin('https://mail.example.org:443')).toBe('https://mail.example.org');
  });
});
