/** Platform accounts, proxies and browser profiles: types generated from the API's schema. */
import type { components } from "./schema";

type S = components["schemas"];

export type Account = S["AccountOut"];
export type AccountStatus = Account["status"];
export type AccountCreate = S["AccountCreate"];
export type AccountUpdate = S["AccountUpdate"];
export type Platform = S["PlatformOut"];
export type Proxy = S["ProxyOut"];
export type ProxyCreate = S["ProxyCreate"];
export type ProxyUpdate = S["ProxyUpdate"];
export type Profile = S["ProfileOut"];
export type ProfileCreate = S["ProfileCreate"];
export type ProfileUpdate = S["ProfileUpdate"];
export type ProfileTemplate = S["ProfileTemplateOut"];
export type ImportRow = S["ImportRowOut"];
export type ImportReport = S["ImportReport"];

export const ACCOUNT_STATUSES: readonly AccountStatus[] = ["active", "needs_attention", "cooldown", "banned", "inactive"];
