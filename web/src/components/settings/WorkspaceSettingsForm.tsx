/**
 * Addresses, time zone, business hours, competitors, SLA targets and health weights. The
 * whole result is checked with the server's WorkspaceSettingsSchema before it is sent, and
 * only the keys that changed are PATCHed.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FACTOR_NAMES } from '../../../../src/metrics/metrics.types.js';
import { WorkspaceSettingsSchema, type WorkspaceSettings } from '../../../../src/workspaces/workspaces.schema.js';
import { api } from '../../api';
import { BusinessHoursFields, timeZones } from '../BusinessHoursFields';
import { check, Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';

const list = (s: string) => s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
const hours = (s: number | null | undefined) => (s == null ? '' : String(Math.round((s / 3600) * 10) / 10));

export function WorkspaceSettingsForm({ settings, canEdit }: { settings: WorkspaceSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [f, setF] = useState({
    own_addresses: settings.own_addresses.join(', '),
    own_domains: settings.own_domains.join(', '),
    time_zone: settings.time_zone,
    locale: settings.locale ?? '',
    competitors: settings.competitors.join(', '),
    sla_default_h: hours(settings.sla.default_s),
    sla_by_tag: Object.entries(settings.sla.by_tag).map(([t, s]) => `${t}=${hours(s)}`).join(', '),
    include_lists: settings.include_lists,
  });
  const [business, setBusiness] = useState(settings.business_hours);
  const [weights, setWeights] = useState(settings.weights);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: api.saveSettings,
    onSuccess: (next) => {
      queryClient.setQueryData(['settings'], next);
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      setSaved(true);
    },
  });
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setSaved(false);
    setF({ ...f, [k]: e.target.type === 'checkbox' ? (e.target as HTMLInputElement).checked : e.target.value });
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const byTag: Record<string, number> = {};
    for (const pair of list(f.sla_by_tag)) {
      const [tag, h] = pair.split('=');
      if (tag) byTag[tag] = Math.round(Number(h) * 3600);
    }
    const candidate = {
      ...settings,
      own_addresses: list(f.own_addresses),
      own_domains: list(f.own_domains).map((d) => d.replace(/^@/, '')),
      time_zone: f.time_zone,
      locale: f.locale.trim() || null,
      business_hours: business,
      include_lists: f.include_lists,
      competitors: f.competitors.split(',').map((c) => c.trim()).filter(Boolean),
      weights,
      sla: { ...settings.sla, default_s: f.sla_default_h ? Math.round(Number(f.sla_default_h) * 3600) : null, by_tag: byTag },
    };
    const r = check(WorkspaceSettingsSchema, candidate);
    setErrors(r.errors ?? {});
    if (!r.data) return;
    const patch: Partial<WorkspaceSettings> = {};
    for (const key of Object.keys(r.data) as (keyof WorkspaceSettings)[]) {
      if (JSON.stringify(r.data[key]) !== JSON.stringify(settings[key])) (patch as Record<string, unknown>)[key] = r.data[key];
    }
    if (Object.keys(patch).length === 0) return setSaved(true);
    save.mutate(patch);
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="ws-h">
      <h2 id="ws-h">Workspace</h2>
      <fieldset disabled={!canEdit} className="form" style={{ border: 0, padding: 0 }}>
        <Field label="Own addresses" hint="Mail from these addresses is yours (outbound)." error={errors.own_addresses}>{(p) => <input {...p} value={f.own_addresses} onChange={set('own_addresses')} />}</Field>
        <Field label="Own domains" hint="Every address at these domains is yours, e.g. acme.com" error={errors.own_domains}>{(p) => <input {...p} value={f.own_domains} onChange={set('own_domains')} />}</Field>
        <Field label="Time zone" error={errors.time_zone}>{(p) => <select {...p} value={f.time_zone} onChange={set('time_zone')}>{timeZones().map((z) => <option key={z}>{z}</option>)}</select>}</Field>
        <Field label="Language of dates" hint="A language tag such as en-GB or de-DE; empty: each reader's own." error={errors.locale}>{(p) => <input {...p} value={f.locale} onChange={set('locale')} placeholder="en-GB" />}</Field>
        <BusinessHoursFields value={business} onChange={(v) => { setSaved(false); setBusiness(v); }} error={errors.business_hours} />
        <label className="check"><input type="checkbox" checked={f.include_lists} onChange={set('include_lists')} /> Count mailing-list mail (teams that live on a list)</label>
        <Field label="Competitors" hint="Comma-separated names; mentions in their mail are flagged." error={errors.competitors}>{(p) => <input {...p} value={f.competitors} onChange={set('competitors')} />}</Field>
        <fieldset>
          <legend>Reply-time targets (SLA, business hours)</legend>
          <div className="form-row">
            <Field label="Default target (hours)" error={errors.sla}>{(p) => <input {...p} type="number" min="0" step="0.5" value={f.sla_default_h} onChange={set('sla_default_h')} />}</Field>
            <Field label="Per tag (tag=hours, …)">{(p) => <input {...p} value={f.sla_by_tag} onChange={set('sla_by_tag')} placeholder="vip=2, trial=8" />}</Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>Health weights</legend>
          <div className="form-row">
            {FACTOR_NAMES.map((name) => (
              <Field key={name} label={name[0]?.toUpperCase() + name.slice(1)}>
                {(p) => <input {...p} type="number" min="0" step="0.05" value={weights[name]} aria-invalid={errors.weights ? true : undefined} aria-describedby={errors.weights ? 'weights-err' : undefined} onChange={(e) => { setSaved(false); setWeights({ ...weights, [name]: Number(e.target.value) }); }} />}
              </Field>
            ))}
          </div>
          {errors.weights && <p id="weights-err" className="field-error">{errors.weights}</p>}
        </fieldset>
      </fieldset>
      {save.error && <p className="error" role="alert">{errorText(save.error)}</p>}
      {saved && <p role="status">Settings saved.</p>}
      {canEdit ? <div><button className="btn primary" type="submit" disabled={save.isPending}>Save settings</button></div> : <p className="muted">Only admins and owners can change settings.</p>}
    </form>
  );
}
