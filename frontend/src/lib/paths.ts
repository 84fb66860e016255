/** Addresses of one record's place in the app, so every link to it lands where the page shows it. */

/** The element id of an account's row on the accounts page: the target of the account's address. */
export const accountAnchor = (accountId: string) => `account-${accountId}`;

/** An account's place: the accounts page, scrolled to its row (where Resume and Test login are). */
export const accountPath = (accountId: string) => `/accounts#${accountAnchor(accountId)}`;
