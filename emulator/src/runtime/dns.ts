// The DNS server of a VPC network. Docker's embedded resolver (127.0.0.11 in every container) answers
// container names itself and forwards every other name here, so Cloud Map names follow ECS task
// registration exactly: `lookup(name)` is asked on every query, never cached (TTL 1 s). Only A records;
// other types of a known name answer NOERROR with no records, unknown names NXDOMAIN.
import dgram from 'node:dgram';

export type Lookup = (name: string) => string[] | undefined;

export async function startDns(address: string, lookup: Lookup, port = 53): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const answer = respond(msg, lookup);
    if (answer) sock.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, address, () => {
      sock.off('error', reject);
      sock.on('error', () => undefined);
      resolve();
    });
  });
  return sock;
}

/** Parses one question and builds the answer; undefined for what is not a standard query. */
export function respond(msg: Buffer, lookup: Lookup): Buffer | undefined {
  if (msg.length < 12 || (msg[2] & 0xf8) !== 0) return undefined; // a response, or not QUERY
  if (msg.readUInt16BE(4) !== 1) return undefined;
  let off = 12;
  const labels: string[] = [];
  while (off < msg.length && msg[off] !== 0) {
    const len = msg[off];
    if (len > 63 || off + 1 + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  off += 1;
  if (off + 4 > msg.length) return undefined;
  const qtype = msg.readUInt16BE(off);
  const question = msg.subarray(12, off + 4);
  const ips = lookup(labels.join('.').toLowerCase());
  const records = ips && qtype === 1 ? ips : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.readUInt16BE(0), 0);
  // QR, opcode 0, AA, RD copied; RA; RCODE 3 (NXDOMAIN) for an unknown name.
  header[2] = 0x84 | (msg[2] & 0x01);
  header[3] = 0x80 | (ips ? 0 : 3);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(1, 6); // TTL
    rr.writeUInt16BE(4, 10);
    const parts = ip.split('.').map(Number);
    for (let i = 0; i < 4; i++) rr[12 + i] = parts[i] ?? 0;
    return rr;
  });
  return Buffer.concat([header, question, ...answers]);
}
