/** Today's stored plan (migration 0011): one per workspace, local day and scope. */
export interface TodayPlansTable {
  workspace_id: string;
  /** Local calendar date (YYYY-MM-DD) in the workspace's time zone. */
  day: string;
  /** '' for the whole workspace, else the member id whose view it is. */
  scope: string;
  size: number;
  created_at: number;
}

export interface TodayPlanItemsTable {
  workspace_id: string;
  day: string;
  scope: string;
  suggestion_id: string;
  /** Order in the plan; items added later (new urgent mail) get positions below zero, so they lead. */
  position: number;
  /** Why it is in today's plan, in plain words. */
  why: string;
  /** 1 when it came in after the plan was made. */
  is_new: number;
  added_at: number;
}
