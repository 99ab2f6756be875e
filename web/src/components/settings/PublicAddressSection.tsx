/**
 * The newsletter's public address: where subscribers reach this Rapport (unsubscribe links,
 * the subscribe form, confirmations, click tracking). Checked beside the field with the
 * server's own rule (https, or http on this machine; no user, query or fragment), and the
 * address links will really start with is shown, path included, before it is saved. The
 * Newsletter page links here (#public-url).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { PublicUrlSchema, type WorkspaceSettings } from '../../../../src/workspaces/workspaces.schema.js';
import { api } from '../../api';
import { Field, plainMessage } from '../forms';
import { errorText } from '../ui';

export function PublicAddressSection({ settings, canEdit }: { settings: WorkspaceSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const location = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState(settings.public_url ?? '');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (location.hash === '#public-url') input.current?.focus();
  }, [location.hash]);
  const text = value.trim();
  const parsed = text === '' ? null : PublicUrlSchema.safeParse(text);
  const problem = parsed && !parsed.success ? plainMessage(parsed.error.issues[0]?.message ?? 'not a URL') : undefined;
  const stored = parsed?.success ? parsed.data : null;
  const save = useMutation({
    mutationFn: () => api.saveSettings({ public_url: stored }),
    onSuccess: (next) => {
      queryClient.setQueryData(['settings'], next);
      setValue(next.public_url ?? '');
      setSaved(true);
    },
  });
  const path = stored ? new URL(stored).pathname.replace(/\/$/, '') : '';
  const hint = stored
    ? `Links in each issue will start with ${stored}/p/…${path ? ` (under ${path}: the server must answer there)` : ''}.`
    : 'Where subscribers reach this Rapport, e.g. https://crm.example.com: unsubscribe links, the subscribe form and click tracking are built on it. Empty: campaigns cannot be sent.';
  return (
    <form
      className="form card"
      id="public-url"
      aria-labelledby="public-url-h"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) save.mutate();
      }}
    >
      <h2 id="public-url-h">Newsletter public address</h2>
      <fieldset disabled={!canEdit} className="form" style={{ border: 0, padding: 0 }}>
        <Field label="Public address" hint={hint} error={problem ?? (save.error ? errorText(save.error) : undefined)}>
          {(p) => (
            <input
              {...p}
              ref={input}
              type="url"
              inputMode="url"
              placeholder="https://crm.example.com"
              value={value}
              maxLength={300}
              onChange={(e) => {
                setSaved(false);
                setValue(e.target.value);
              }}
            />
          )}
        </Field>
      </fieldset>
      {saved && <p role="status">{stored ? `Public address saved: ${stored}.` : 'Public address cleared.'}</p>}
      {canEdit ? (
        <div>
          <button className="btn primary" type="submit" disabled={save.isPending || !!problem}>Save address</button>
        </div>
      ) : (
        <p className="muted">Only admins and owners can change it.</p>
      )}
    </form>
  );
}
