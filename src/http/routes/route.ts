import type { ChatContext } from "../../service/context";
import type { Form } from "../form";
import type { OkFields } from "../respond";

/**
 * One operator endpoint. The handler only parses the form and calls services; the router adds the
 * signature check, the rate limit and the envelope. Rate-limit fields let an endpoint share a
 * bucket with another, have its own limit, or weigh a call by its work.
 */
export interface OperatorRoute {
  /** e.g. "/chatroom/get.json" */
  path: string;
  /** Resolves with the success fields besides `code`; throws ChatError for a failure. */
  handle(ctx: ChatContext, form: Form): Promise<OkFields> | Promise<void>;
  /** Only reads: not written to the audit trail (every other call is, with its result). */
  readOnly?: boolean;
  /** Rate-limit bucket; endpoints naming the same bucket share one budget [path]. */
  bucket?: string;
  /** Limit of the bucket per second [ChatConfig.apiRateLimit]. */
  perSecond?: number;
  /** Points a call takes from the bucket, e.g. one per target room [1]. */
  cost?: (form: Form) => number;
}
