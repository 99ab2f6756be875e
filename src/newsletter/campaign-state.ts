/**
 * What the page and the CLI show of a campaign beside its send: the stats with the missed
 * note, and who is uncertain and why. Reads only; the sender owns the ledger's writes.
 */
import type { Db } from '../db/database.js';
import { toIsoOrNull } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { listUncertainSendRows } from './campaigns.repo.js';
import { findCampaignRowOrThrow } from './campaigns.service.js';
import type { CampaignStats, UncertainRecipient } from './newsletter.schema.js';
import { campaignStats } from './sender.js';

/** @throws not_found */
export async function campaignStatsWithState(db: Db, ws: Workspace, campaignId: string): Promise<CampaignStats> {
  const [stats, row] = await Promise.all([campaignStats(db, ws, campaignId), findCampaignRowOrThrow(db.kysely, ws, campaignId)]);
  return { ...stats, missed_at: toIsoOrNull(row.missed_at), missed_reason: row.missed_reason };
}

/**
 * The recipients whose copy the mail server may or may not have taken, by address, with what
 * the send saw; they wait for the operator to resend them or record them as sent.
 * @throws not_found
 */
export async function listUncertainRecipients(db: Db, ws: Workspace, campaignId: string): Promise<UncertainRecipient[]> {
  await findCampaignRowOrThrow(db.kysely, ws, campaignId);
  const rows = await listUncertainSendRows(db.kysely, ws.id, campaignId);
  return rows.map((r) => ({ subscriber_id: r.subscriber_id, email: r.email, reason: r.error ?? 'outcome unknown', at: toIsoOrNull(r.claimed_at) }));
}
