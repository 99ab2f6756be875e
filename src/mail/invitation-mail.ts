/**
 * The invitation mail: a new invitation goes to the invitee from the workspace's mail account
 * when it has one. The invitation stands whether or not the mail went out (the admin still has
 * the token to share), so a refusal of the SMTP server is reported, not thrown.
 */
import type { Invitation } from '../auth/auth.schema.js';
import type { Db } from '../db/database.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import type { z } from 'zod';
import type { InvitationMailSchema } from './mail.schema.js';
import type { MailKey } from './secret-box.js';
import { sendNotice } from './send.service.js';

export type InvitationMailResult = z.infer<typeof InvitationMailSchema>;

/** The text of the mail: who invites, to what, the token and where to accept it. Pure. */
export function invitationText(ws: Workspace, invitation: Invitation & { token: string }, origin: string): { subject: string; text: string } {
  return {
    subject: `You are invited to ${ws.name} on Rapport`,
    text: [
      `You are invited to join the workspace ${ws.name} on Rapport as ${invitation.role === 'admin' ? 'an admin' : `a ${invitation.role}`}.`,
      '',
      `Your invitation token: ${invitation.token}`,
      '',
      `Accept it and choose your password at ${origin}/invite/${encodeURIComponent(invitation.token)}`,
      `(or POST the token with a password to ${origin}/api/v1/auth/invitations/accept).`,
      `It expires on ${invitation.expires_at.slice(0, 10)}.`,
      '',
      'If you did not expect this invitation, ignore this mail.',
    ].join('\n'),
  };
}

export async function mailInvitation(db: Db, ws: Workspace, key: () => MailKey, invitation: Invitation & { token: string }, origin: string, now: number): Promise<InvitationMailResult> {
  try {
    const sent = await sendNotice(db, ws, key, { to: invitation.email, ...invitationText(ws, invitation, origin) }, now);
    return { mailed: sent !== null };
  } catch (error) {
    return { mailed: false, mail_error: error instanceof Error ? error.message : String(error) };
  }
}
