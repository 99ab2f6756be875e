/** Background jobs of the workspace (admins): queued, running and failed ones with their last error, and Retry on a failed one. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Job } from '../../../../src/jobs/jobs.schema.js';
import { request } from '../../api';
import { formatDateTime } from '../../format';
import { errorText } from '../ui';

const listJobs = () => request<Job[]>('GET', '/jobs');
const retryJob = (id: string) => request<Job>('POST', `/jobs/${encodeURIComponent(id)}/retry`);

export function JobsSection() {
  const queryClient = useQueryClient();
  // Jobs move on their own: refreshed every few seconds while the page is open.
  const jobs = useQuery({ queryKey: ['jobs'], queryFn: listJobs, refetchInterval: 5000 });
  const retry = useMutation({ mutationFn: retryJob, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['jobs'] }) });
  const rows = jobs.data ?? [];
  return (
    <section className="card stack" aria-labelledby="jobs-h">
      <h2 id="jobs-h">Background jobs</h2>
      {jobs.error && <p className="error">{errorText(jobs.error)}</p>}
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {rows.map((j) => (
          <li key={j.id} className="page-header" style={{ margin: 0 }}>
            <span className="cell">
              {j.name} <span className="muted">· {j.state} · try {j.attempts} of {j.max_attempts} · {j.state === 'queued' ? `runs ${formatDateTime(j.run_at)}` : formatDateTime(j.run_at)}</span>
              {j.last_error && <span className="error" style={{ display: 'block' }}>{j.last_error}</span>}
            </span>
            {j.state === 'failed' && (
              <button type="button" className="btn small" onClick={() => retry.mutate(j.id)} disabled={retry.isPending} aria-label={`Retry job ${j.name} ${j.id}`}>Retry</button>
            )}
          </li>
        ))}
        {jobs.data && rows.length === 0 && <li className="muted">No jobs queued, running or failed.</li>}
      </ul>
      {retry.error && <p className="error" role="alert">{errorText(retry.error)}</p>}
    </section>
  );
}
