/**
 * Typed client of the HTTP API (SPEC §8.2). Response bodies are the CLI's --json objects, so
 * their types come from the server's schema files (types only: nothing of the server is
 * bundled). Every path the web app calls is in this file, so an API change is one edit here.
 * Cookie-authenticated writes carry the session's CSRF token in the X-CSRF-Token header.
 */
import type { Contact, ContactInput, ContactPatch, HealthStatus, Stage } from '../../src/contacts/contacts.schema.js';
import type { ImportSummary } from '../../src/import/import.types.js';
import type { Interaction, LogInteractionInput, Thread } from '../../src/interactions/interactions.schema.js';
import type { ContactHealth, WaitingRow } from '../../src/metrics/metrics.types.js';
import type { Role, Workspace, WorkspaceSettings } from '../../src/workspaces/workspaces.schema.js';
import type { ApiToken, Member, SessionInfo, SignupSchema } from '../../src/auth/auth.schema.js';
import type { z } from 'zod';
import type { Fact } from '../../src/facts/facts.schema.js';
import type { Suggestion } from '../../src/suggestions/suggestions.schema.js';
import type { Webhook, WebhookInput } from '../../src/webhooks/webhooks.schema.js';
import type { Invitation } from '../../src/auth/auth.schema.js';
import type { CoachReport } from '../../src/coach/coach.js';
import type { ImportJob } from '../../src/import/import-jobs.service.js';
import type { Commitment } from '../../src/commitments/commitments.schema.js';
import type { HealthPoint, Reports } from '../../src/reports/reports.schema.js';
import type { ConnectionTest, MailAccount, MailAccountInput, SendInput, SentMessage, SyncSummarySchema } from '../../src/mail/mail.schema.js';

export type { ImportJob, ApiToken, Invitation, Webhook, Suggestion, Commitment, Contact, ContactHealth, Fact, HealthPoint, HealthStatus, Interaction, Member, Reports, WaitingRow, Role, Stage, Workspace, WorkspaceSettings };
export type Session = SessionInfo;
export type { ConnectionTest, MailAccount, SentMessage };
export type SyncSummary = z.infer<typeof SyncSummarySchema>;

export const API = '/api/v1';
export const CSRF_COOKIE = 'rapport_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** An RFC 9457 problem document turned into an Error the pages can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly problem: Record<string, unknown>,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

let csrfToken: string | null = null;
/** The cookie is rewritten whenever the session rotates, so it is the freshest copy. */
const currentCsrf = () => readCookie(CSRF_COOKIE) ?? csrfToken;
/** The token comes in the session body (sign-up, sign-in, GET session) and rotates with it. */
export function rememberCsrf(token: string | null | undefined) {
  if (token) csrfToken = token;
}

async function send(method: string, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = currentCsrf();
    if (token) headers[CSRF_HEADER] = token;
  }
  const res = await fetch(`${API}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res = await send(method, path, body);
  // The session secret rotates every few minutes and the CSRF token with it: fetch the
  // current one and try a rejected write once more.
  if (res.status === 403 && method !== 'GET') {
    const p = (await res.clone().json().catch(() => ({}))) as { type?: string; code?: string; detail?: string };
    if (/csrf/i.test(`${p.type ?? ''} ${p.code ?? ''} ${p.detail ?? ''}`)) {
      const s = await send('GET', '/auth/session', undefined);
      if (s.ok) rememberCsrf(((await s.json()) as SessionInfo).csrf_token);
      res = await send(method, path, body);
    }
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) throw problemError(res.status, res.statusText, data);
  if (data && typeof data === 'object' && 'csrf_token' in data) rememberCsrf((data as SessionInfo).csrf_token);
  return data as T;
}

function problemError(status: number, statusText: string, data: unknown): ApiError {
  const p = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  return new ApiError(status, String(p.title ?? (statusText || 'Request failed')), p.detail as string | undefined, p);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Lists are plain arrays; the next page's cursor comes in the X-Next-Cursor header. */
export async function listAll<T>(path: string, params: Record<string, string | undefined> = {}, pageSize = 500): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (;;) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
    q.set('limit', String(pageSize));
    if (cursor) q.set('cursor', cursor);
    const res = await send('GET', `${path}?${q}`, undefined);
    const data = safeJson(await res.text());
    if (!res.ok) throw problemError(res.status, res.statusText, data);
    const items = Array.isArray(data) ? (data as T[]) : [];
    out.push(...items);
    cursor = res.headers.get('x-next-cursor');
    if (!cursor || items.length === 0) return out;
  }
}

/** One page of a list and the cursor of the next (null on the last page). */
export async function listPage<T>(path: string, params: Record<string, string | undefined>, pageSize: number, cursor: string | null): Promise<{ items: T[]; next: string | null }> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  q.set('limit', String(pageSize));
  if (cursor) q.set('cursor', cursor);
  const res = await send('GET', `${path}?${q}`, undefined);
  const data = safeJson(await res.text());
  if (!res.ok) throw problemError(res.status, res.statusText, data);
  const items = Array.isArray(data) ? (data as T[]) : [];
  return { items, next: items.length > 0 ? res.headers.get('x-next-cursor') : null };
}

/** A list answered whole, with the X-Total-Count header (e.g. Today's plan and the number of all open items). */
export async function listWithTotal<T>(path: string): Promise<{ items: T[]; total: number }> {
  const res = await send('GET', path, undefined);
  const data = safeJson(await res.text());
  if (!res.ok) throw problemError(res.status, res.statusText, data);
  const items = Array.isArray(data) ? (data as T[]) : [];
  const total = Number(res.headers.get('x-total-count'));
  return { items, total: Number.isFinite(total) && res.headers.has('x-total-count') ? total : items.length };
}

const enc = encodeURIComponent;

/** Whether a session is likely (its readable CSRF cookie lives exactly as long): asking without one answers 401. */
export const hasSession = () => readCookie(CSRF_COOKIE) !== undefined;

export const api = {
  // Without a session the answer would be a 401, which the browser logs as an error.
  session: () => (hasSession() ? request<Session>('GET', '/auth/session') : Promise.reject(new ApiError(401, 'Unauthorized', 'not signed in', {}))),
  signUp: (b: z.input<typeof SignupSchema>) => request<Session>('POST', '/auth/signup', b),
  signIn: (b: { email: string; password: string }) => request<Session>('POST', '/auth/login', b),
  signOut: () => request<void>('POST', '/auth/logout'),
  acceptInvitation: (b: { token: string; password: string; name?: string }) => request<Session>('POST', '/auth/invitations/accept', b),

  createWorkspace: (b: { name: string; me: string[]; time_zone?: string }) => request<Workspace>('POST', '/workspaces', b),
  switchWorkspace: (slug: string) => request<Session>('POST', '/auth/session/workspace', { workspace: slug }),
  loadDemo: () => request<unknown>('POST', '/demo', {}),
  settings: () => request<WorkspaceSettings>('GET', '/settings'),
  saveSettings: (patch: Partial<WorkspaceSettings>) => request<WorkspaceSettings>('PATCH', '/settings', patch),

  contacts: (params: Record<string, string | undefined> = {}, pageSize?: number) => listAll<Contact>('/contacts', params, pageSize),
  contactsPage: (params: Record<string, string | undefined>, pageSize: number, cursor: string | null) => listPage<Contact>('/contacts', params, pageSize, cursor),
  contact: (id: string) => request<Contact>('GET', `/contacts/${enc(id)}`),
  createContact: (b: ContactInput) => request<Contact>('POST', '/contacts', b),
  editContact: (id: string, b: ContactPatch) => request<Contact>('PATCH', `/contacts/${enc(id)}`, b),
  health: (id: string) => request<ContactHealth>('GET', `/contacts/${enc(id)}/health`),
  healthHistory: (id: string) => request<HealthPoint[]>('GET', `/contacts/${enc(id)}/health/history`),
  facts: (id: string) => listAll<Fact>(`/contacts/${enc(id)}/facts`),
  addFact: (id: string, b: { kind: string; text: string; date?: string | null; yearly?: boolean }) =>
    request<Fact>('POST', `/contacts/${enc(id)}/facts`, b),
  editFact: (factId: string, b: { kind?: string; text?: string; date?: string | null; yearly?: boolean }) => request<Fact>('PATCH', `/facts/${enc(factId)}`, b),
  deleteFact: (factId: string) => request<Fact>('DELETE', `/facts/${enc(factId)}`),
  timeline: (id: string) => listAll<Interaction>(`/contacts/${enc(id)}/timeline`, {}, 200),
  commitments: (contactId?: string) => listAll<Commitment>('/commitments', { contact: contactId }),
  addCommitment: (b: { contact: string; text: string; due_at: string }) => request<Commitment>('POST', '/commitments', b),
  completeCommitment: (id: string) => request<Commitment>('POST', `/commitments/${enc(id)}/done`, {}),
  /** With `reply_to_thread`, an email sent from elsewhere is filed as the reply in that thread. */
  logInteraction: (b: Omit<LogInteractionInput, 'at'> & { at?: number | string; reply_to_thread?: string }) => request<Interaction>('POST', '/interactions', b),

  // Every open wait in one answer (the page is virtualised).
  waiting: () => request<WaitingRow[]>('GET', '/waiting'),
  // The oldest `limit` waits and how many there are: the server looks up only those.
  waitingHead: (limit: number) => listWithTotal<WaitingRow>(`/waiting?limit=${limit}`),
  // Today is the day's plan (about 10 items); "show all" asks for every open suggestion.
  today: (all = false) => listWithTotal<Suggestion>(all ? '/today?all=1' : '/today'),
  todayFor: (contactId: string) => request<Suggestion[]>('GET', `/today?contact_id=${enc(contactId)}`),
  actOnSuggestion: (id: string, action: 'done' | 'snooze' | 'dismiss', until?: string) =>
    request<Suggestion & { interaction?: Interaction }>('POST', `/today/${enc(id)}/${action}`, until ? { until } : {}),
  /** Done with what was actually sent: a reply is filed in the waiting thread. */
  completeSuggestion: (id: string, b: { note?: string }) => request<Suggestion>('POST', `/today/${enc(id)}/done`, b),
  undoSuggestion: (id: string, interactionId?: string) => request<Suggestion>('POST', `/today/${enc(id)}/undo`, interactionId ? { interaction_id: interactionId } : {}),
  coach: (contactId: string, draft: string) => request<CoachReport>('POST', `/contacts/${enc(contactId)}/coach`, { draft }),

  startImport: (file: File, onProgress?: (fraction: number) => void) => uploadImport(file, onProgress),
  importJob: (id: string) => request<ImportJob>('GET', `/imports/${enc(id)}`),

  members: () => listAll<Member>('/members'),
  setRole: (userId: string, role: Role) => request<Member>('PATCH', `/members/${enc(userId)}`, { role }),
  removeMember: (userId: string) => request<void>('DELETE', `/members/${enc(userId)}`),
  invitations: () => listAll<Invitation>('/invitations'),
  invite: (b: { email: string; role: Role }) => request<Invitation & { mailed: boolean; mail_error?: string }>('POST', '/invitations', b),
  revokeInvitation: (id: string) => request<void>('DELETE', `/invitations/${enc(id)}`),
  tokens: () => listAll<ApiToken>('/tokens'),
  createToken: (b: { name: string; role: Role }) => request<ApiToken>('POST', '/tokens', b),
  revokeToken: (id: string) => request<void>('DELETE', `/tokens/${enc(id)}`),
  webhooks: () => listAll<Webhook>('/webhooks'),
  createWebhook: (b: WebhookInput) => request<Webhook>('POST', '/webhooks', b),
  deleteWebhook: (id: string) => request<void>('DELETE', `/webhooks/${enc(id)}`),
  reports: () => request<Reports>('GET', '/reports'),
  /** One part of the report, so each chart draws as soon as its own data is in. */
  reportPart: <K extends ReportPart>(part: K) => request<Pick<Reports, (typeof REPORT_PARTS)[K]>>('GET', `/reports/${part}`).then((r) => r[REPORT_PARTS[part]]),
  mailAccounts: () => request<MailAccount[]>('GET', '/accounts'),
  addMailAccount: (b: MailAccountInput) => request<MailAccount>('POST', '/accounts', b),
  removeMailAccount: (id: string) => request<MailAccount>('DELETE', `/accounts/${enc(id)}`),
  testMailAccount: (id: string) => request<ConnectionTest>('POST', `/accounts/${enc(id)}/test`),
  syncMailAccount: (id: string) => request<SyncSummary>('POST', `/accounts/${enc(id)}/sync`),
  sendMessage: (b: SendInput) => request<SentMessage>('POST', '/messages', b),
  thread: (id: string) => request<Thread>('GET', `/threads/${enc(id)}`),
};

/** The report's parts by their path under /reports, and the field each answers with. */
export const REPORT_PARTS = { 'statuses-now': 'statuses_now', responsiveness: 'responsiveness', attention: 'attention_ratios', statuses: 'statuses' } as const;
export type ReportPart = keyof typeof REPORT_PARTS;

/** Downloads of every contact: plain links, the session cookie authenticates them. */
export const EXPORTS = { vcard: `${API}/exports/contacts.vcf`, csv: `${API}/exports/contacts.csv` };

/** Upload with XMLHttpRequest: fetch cannot report upload progress. */
function uploadImport(file: File, onProgress?: (fraction: number) => void): Promise<ImportJob | ImportSummary> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API}/imports?filename=${enc(file.name)}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    const token = currentCsrf();
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      const data = safeJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as ImportJob | ImportSummary);
      else reject(problemError(xhr.status, 'Upload failed', data));
    };
    xhr.onerror = () => reject(new ApiError(0, 'Network error', 'the upload did not reach the server', {}));
    xhr.send(file);
  });
}
