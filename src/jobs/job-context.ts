import type { Caller, Mode, RequestContext } from '../auth/context';

/** Who a job acts as: the caller that created it, as stored in `created_by`. */
export interface CreatedBy {
  application_id: string;
  kind: Caller['kind'];
  role: Caller['role'];
}

export function createdBy(ctx: RequestContext): CreatedBy {
  return { application_id: ctx.caller.applicationId, kind: ctx.caller.kind, role: ctx.caller.role };
}

/**
 * The request context a background job writes and reads with: its creator's application and mode,
 * and the job's id as the request id (versions and the stock ledger name it). Links are not built.
 */
export function jobContext(job: { id: string; mode: Mode; created_by: CreatedBy }, baseUrl = ''): RequestContext {
  const by = job.created_by;
  const caller: Caller = {
    applicationId: by.application_id,
    kind: by.kind,
    role: by.role,
    mode: job.mode,
    scope: '',
    marketIds: [],
    stockLocationIds: [],
  };
  return { mode: job.mode, caller, baseUrl, requestId: job.id };
}
