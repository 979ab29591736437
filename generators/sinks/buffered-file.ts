/**
 * A file written in large chunks with back-pressure: lines are gathered in memory up to a small threshold, then
 * handed to the stream, and `drainIfFull` waits for the stream to drain when the OS is slower than the generator.
 * Memory stays bounded by the threshold plus the stream's high-water mark, whatever the output size.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

const CHUNK_CHARS = 1 << 18;

export class BufferedFile {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  lines = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  }

  writeLine(text: string): void {
    this.pending.push(text, '\n');
    this.pendingChars += text.length + 1;
    this.lines += 1;
  }

  /** Writes raw text (no line counted), e.g. the opening of a streamed Bundle. */
  writeRaw(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
  }

  async drainIfFull(): Promise<void> {
    if (this.pendingChars < CHUNK_CHARS) return;
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished;
  }
}
