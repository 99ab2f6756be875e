/** Uploading files to import over HTTP: streamed, checked, followed as a job. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

function mbox(count: number, padding = 0): string {
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push(
      [`From sender${i}@client.example Mon Jan  6 09:00:00 2025`, `From: Sender ${i} <sender${i}@client.example>`, 'To: me@acme.example', `Subject: Question ${i}`,
        `Message-ID: <m${i}@client.example>`, `Date: Mon, 6 Jan 2025 09:${String(i % 60).padStart(2, '0')}:00 +0000`, '', `Hello, question number ${i}. ${'x'.repeat(padding)}`, ''].join('\n'),
    );
  }
  return messages.join('\n');
}

async function waitForJob(f: ApiFixture, id: string) {
  for (let i = 0; i < 200; i++) {
    const job = (await f.app.inject({ url: `/api/v1/imports/${id}`, headers: bearer(f.tokens.viewer) })).json();
    if (job.status !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the import did not finish');
}

describe.each(testDialects())('imports API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  it('imports an uploaded mbox larger than the JSON body limit and reports the summary', async () => {
    const body = mbox(40, 60_000);
    expect(body.length).toBeGreaterThan(2 * 1024 * 1024);
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/imports?filename=archive.mbox', headers: { ...bearer(f.tokens.member), 'content-type': 'application/mbox' }, payload: body });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ format: 'mbox', status: 'running', filename: 'archive.mbox', bytes: Buffer.byteLength(body) });
    const job = await waitForJob(f, res.json().id);
    expect(job).toMatchObject({ status: 'succeeded', summary: { read: 40, imported: 40, contacts_created: 40 } });
    const other = await f.app.inject({ url: `/api/v1/imports/${job.id}`, headers: bearer(f.otherToken) });
    expect(other.statusCode).toBe(404);
  });

  it('refuses content it cannot recognise, and JSON, with a 400', async () => {
    const junk = await f.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...bearer(f.tokens.member), 'content-type': 'application/octet-stream' }, payload: 'just some words' });
    expect(junk.statusCode).toBe(400);
    const asJson = await f.app.inject({ method: 'POST', url: '/api/v1/imports', headers: bearer(f.tokens.member), payload: { file: 'x' } });
    expect(asJson.statusCode).toBe(400);
    expect(junk.json()).toMatchObject({ code: 'validation', errors: [{ where: 'query.format' }] });
    expect(junk.body).not.toContain('/tmp/');
    // Only the fixture's job: refused uploads leave none behind.
    expect((await f.app.inject({ url: '/api/v1/imports', headers: bearer(f.tokens.viewer) })).json().map((j: { id: string }) => j.id)).toEqual([f.ids.importId]);
  });
});
