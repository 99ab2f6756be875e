/** Row types of the public pages' own table (migration 0016). Times are epoch milliseconds, UTC. */

/** The last confirmation mail sent to a subscriber (at most one an hour). */
export interface NewsletterConfirmMailsTable {
  workspace_id: string;
  subscriber_id: string;
  sent_at: number;
}
