/** /user/getToken.json: the token a client passes when it enters a room. */
import { issueUserToken } from "../../core/tokens";
import { checkName, optionalString, userIdParam } from "../form";
import type { OperatorRoute } from "./route";

/** "Never expires": tokens then carry the largest safe time. */
const NO_EXPIRY = Number.MAX_SAFE_INTEGER;

export const userRoutes: OperatorRoute[] = [
  {
    path: "/user/getToken.json",
    handle: async (ctx, form) => {
      const userId = userIdParam(form);
      const name = optionalString(form, "name", Number.MAX_SAFE_INTEGER);
      if (name !== undefined) checkName("name", name);
      const { appSecret, tokenTtlS } = ctx.config;
      const expiresAt = tokenTtlS > 0 ? ctx.now() + tokenTtlS * 1000 : NO_EXPIRY;
      // Without a secret (open development mode) rooms accept any token; this one is signed with "" and says so.
      return { userId, token: issueUserToken(appSecret ?? "", userId, expiresAt) };
    },
  },
];
