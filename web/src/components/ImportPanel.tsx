/**
 * Import a file (mbox, .eml, vCard, CSV, iCalendar) with a progress bar: upload progress
 * first, then the server's own progress while it processes, then the SPEC §3.5 summary.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ImportSummary } from '../../../src/import/import.types.js';
import { api, type ImportJob } from '../api';
import { errorText } from './ui';

type State = { phase: 'idle' } | { phase: 'uploading' | 'processing'; fraction: number | null } | { phase: 'done'; summary: ImportSummary } | { phase: 'failed'; message: string };

export function ImportPanel({ onImported }: { onImported?: (s: ImportSummary) => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<State>({ phase: 'idle' });

  const run = async () => {
    if (!file) return;
    try {
      setState({ phase: 'uploading', fraction: 0 });
      let job: ImportJob | ImportSummary = await api.startImport(file, (f) => setState({ phase: 'uploading', fraction: f }));
      // The server answers with the finished summary, or with a job to follow.
      while (!('imported' in job)) {
        if (job.status === 'failed') throw new Error(job.error ?? 'the import failed');
        if (job.status === 'succeeded' && job.summary) {
          job = job.summary as ImportSummary;
          break;
        }
        const p = job.progress;
        setState({ phase: 'processing', fraction: p?.total ? p.done / p.total : null });
        await new Promise((r) => setTimeout(r, 400));
        job = await api.importJob(job.id);
      }
      setState({ phase: 'done', summary: job });
      await queryClient.invalidateQueries();
      onImported?.(job);
    } catch (error) {
      setState({ phase: 'failed', message: errorText(error) });
    }
  };

  const busy = state.phase === 'uploading' || state.phase === 'processing';
  return (
    <section className="stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Import a file</h2>
      <label htmlFor={`${id}-file`}>Mailbox or contacts file (.mbox, .eml, .vcf, .csv, .ics)</label>
      <input id={`${id}-file`} type="file" accept=".mbox,.mbx,.eml,.vcf,.csv,.ics,application/mbox,message/rfc822,text/vcard,text/csv,text/calendar" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <div>
        <button type="button" className="btn primary" disabled={!file || busy} onClick={run}>{busy ? 'Importing…' : 'Import'}</button>
      </div>
      {busy && (
        <div className="stack" style={{ gap: '0.25rem' }}>
          <progress className="progress" aria-label={state.phase === 'uploading' ? 'Upload progress' : 'Import progress'} max={1} value={state.fraction ?? undefined} />
          <span className="muted" role="status">{state.phase === 'uploading' ? `Uploading ${Math.round((state.fraction ?? 0) * 100)}%` : 'Reading messages…'}</span>
        </div>
      )}
      {state.phase === 'done' && (
        <div role="status" className="card">
          <strong>Import complete.</strong> {state.summary.imported} imported, {state.summary.duplicates} duplicates, {state.summary.automated} automated, {state.summary.malformed} malformed; {state.summary.contacts_created} contacts created in {state.summary.threads} threads.
          {state.summary.errors.length > 0 && (
            <ul>
              {state.summary.errors.slice(0, 5).map((e) => <li key={e.where}>{e.where}: {e.reason}</li>)}
            </ul>
          )}
        </div>
      )}
      {state.phase === 'failed' && <p className="error" role="alert">Import failed: {state.message}</p>}
    </section>
  );
}
