/** Newsletter rows for the API test fixture: a list with one confirmed subscriber and a draft campaign. */
import type { Db } from '../db/database.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { createCampaign } from './campaigns.service.js';
import { createList, subscribe } from './subscribers.service.js';

export async function buildNewsletterFixture(db: Db, ws: Workspace, now: number): Promise<{ listId: string; subscriberId: string; campaignId: string }> {
  const list = await createList(db.kysely, ws, { name: 'Weekly', from_address: 'me@alpha.example' }, now);
  const subscriber = await subscribe(db.kysely, ws, list.id, { email: 'ada@client.example', confirmed: true }, 'cli', now);
  const campaign = await createCampaign(db.kysely, ws, { list: list.id, markdown: '---\nsubject: Issue 1\n---\nHello {{first_name|there}}.' }, now);
  return { listId: list.id, subscriberId: subscriber.id, campaignId: campaign.id };
}
