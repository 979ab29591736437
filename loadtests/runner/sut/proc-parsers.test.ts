import assert from 'node:assert/strict';
import {
  parseNetDevBytes,
  parseProcIo,
  parseProcStat,
  parseSsSockets,
  parseVmRssBytes,
} from './proc-parsers.js';
import { SocketTally } from './socket-tally.js';

// Texts in the kernel's formats (proc(5)), as read on Linux 6.x.
const STAT =
  '4242 (node peer) main) S 4200 4242 4200 0 -1 4194560 26437 0 0 0 1234 567 0 0 20 0 11 0 941107 ' +
  '1253535744 31845 18446744073709551615 1 1 0 0 0 0 0 16781312 17922 0 0 0 17 1 0 0 0 0 0\n';
const STATUS = 'Name:\tnode\nState:\tS (sleeping)\nVmPeak:\t 1300000 kB\nVmRSS:\t  127380 kB\nThreads:\t11\n';
const IO =
  'rchar: 93184021\nwchar: 1048576\nsyscr: 1920\nsyscw: 256\nread_bytes: 4096\nwrite_bytes: 2105344\ncancelled_write_bytes: 0\n';
const NET_DEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '    lo: 6620200128 2918838    0    0    0     0          0         0 6620200128 2918838    0    0    0     0       0          0',
  '  eth0: 1000 10    0    0    0     0          0         0 2000 20    0    0    0     0       0          0',
  '',
].join('\n');
const SS = [
  'ESTAB 0      0      127.0.0.1:7051 127.0.0.1:51490 users:(("node",pid=100,fd=21))',
  '\t bbr wscale:10,10 rto:204 bytes_sent:5000 bytes_acked:5001 bytes_received:700 segs_out:2 bytes_retrans:0',
  'ESTAB 0      0      127.0.0.1:51490 127.0.0.1:7051 users:(("node",pid=200,fd=20),("node",pid=201,fd=20))',
  '\t bbr wscale:10,10 rto:204 bytes_sent:700 bytes_acked:701 bytes_received:5000 segs_out:4',
  'ESTAB 0      0      [::1]:9999 [::1]:40000 users:(("node",pid=100,fd=30))',
  '\t cubic rto:204 bytes_received:12',
  '',
].join('\n');

describe('/proc and ss parsers', () => {
  it('reads state, utime + stime and start time after a command name with spaces and parentheses', () => {
    assert.deepEqual(parseProcStat(STAT, '/proc/4242/stat'), {
      state: 'S',
      cpuTicks: 1801,
      startTicks: 941107,
    });
  });

  it('reads VmRSS in bytes, and nothing for a process without memory', () => {
    assert.equal(parseVmRssBytes(STATUS), 127380 * 1024);
    assert.equal(parseVmRssBytes('Name:\tzombie\nState:\tZ (zombie)\n'), undefined);
  });

  it('reads block-layer read_bytes and write_bytes, not rchar/wchar', () => {
    assert.deepEqual(parseProcIo(IO, '/proc/1/io'), { readBytes: 4096, writeBytes: 2105344 });
  });

  it('reads an interface from /proc/net/dev and nothing for an absent one', () => {
    assert.deepEqual(parseNetDevBytes(NET_DEV, 'lo'), { receivedBytes: 6620200128, sentBytes: 6620200128 });
    assert.deepEqual(parseNetDevBytes(NET_DEV, 'eth0'), { receivedBytes: 1000, sentBytes: 2000 });
    assert.equal(parseNetDevBytes(NET_DEV, 'wlan0'), undefined);
  });

  it('groups ss sockets per pid, a shared socket under each owner, a missing counter as 0', () => {
    const byPid = parseSsSockets(SS);
    assert.deepEqual(byPid.get(100), [
      { key: '127.0.0.1:7051 127.0.0.1:51490', sentBytes: 5000, receivedBytes: 700 },
      { key: '[::1]:9999 [::1]:40000', sentBytes: 0, receivedBytes: 12 },
    ]);
    assert.deepEqual(byPid.get(200), [
      { key: '127.0.0.1:51490 127.0.0.1:7051', sentBytes: 700, receivedBytes: 5000 },
    ]);
    assert.deepEqual(byPid.get(201), byPid.get(200));
    assert.equal(parseSsSockets('').size, 0);
  });

  it('fails with LOAD_PROC_UNREADABLE naming the file when the text is not in the expected format', () => {
    assert.throws(() => parseProcStat('4242 (node) S 1 2 3', '/proc/4242/stat'), {
      name: 'LoadError',
      code: 'LOAD_PROC_UNREADABLE',
      message: /^\/proc\/4242\/stat is not a \/proc\/PID\/stat line .*"4242 \(node\) S 1 2 3"/,
    });
    assert.throws(() => parseProcIo('rchar: 1\nwchar: 2\n', '/proc/7/io'), {
      code: 'LOAD_PROC_UNREADABLE',
      message: /^\/proc\/7\/io is not a \/proc\/PID\/io text with read_bytes and write_bytes/,
    });
    assert.throws(() => parseNetDevBytes('    lo: 1 2 x\n', 'lo'), { code: 'LOAD_PROC_UNREADABLE' });
  });
});

describe('SocketTally', () => {
  const socket = (key: string, sentBytes: number, receivedBytes: number) => ({
    key,
    sentBytes,
    receivedBytes,
  });

  it('counts only later bytes of sockets open at the start and all bytes of new ones, closed ones kept', () => {
    const tally = new SocketTally();
    tally.observe([socket('a', 1000, 500)], true);
    tally.observe([socket('a', 1300, 600), socket('b', 50, 20)], false);
    assert.deepEqual(tally.totals(), { sentBytes: 350, receivedBytes: 120 });
    // "a" closed: its 300/100 stay counted; "b" grows.
    tally.observe([socket('b', 80, 40)], false);
    assert.deepEqual(tally.totals(), { sentBytes: 380, receivedBytes: 140 });
  });

  it('treats the same addresses with smaller counters as a new connection', () => {
    const tally = new SocketTally();
    tally.observe([], true);
    tally.observe([socket('a', 900, 900)], false);
    tally.observe([socket('a', 10, 5)], false);
    assert.deepEqual(tally.totals(), { sentBytes: 910, receivedBytes: 905 });
  });
});
