/**
 * Who an admin's command records as having acted (`sign-off`, `accept-late`): the Google account of the
 * credentials the command runs with, as Google itself reports it (Drive `about.get`, `fields=user`), not a name
 * typed on the command line. Anyone can type an address; only the holder of the credentials can make Google
 * answer with it.
 */
import * as z from '../core/zod';
import type { GoogleClients } from '../sheets/client';
import { UsageError } from './errors';

/**
 * The part of Drive's About resource asked for: its User ("displayName", "kind", "me", "permissionId",
 * "emailAddress", "photoLink"; Drive v3 reference, User). `emailAddress` "may not be present in certain contexts
 * if the user has not made their email address visible to the requester"; for the requester itself it is.
 */
const AboutUserSchema = z.object({
  user: z.looseObject({
    emailAddress: z.string().check(z.minLength(3)),
    displayName: z.optional(z.string()),
    permissionId: z.optional(z.string()),
    me: z.optional(z.boolean()),
  }),
});

/** A verified identity: the account's address and Drive's stable id for it, with how it was verified. */
export type GoogleIdentity = {
  email: string;
  displayName: string | null;
  permissionId: string | null;
  source: 'drive.about.get';
};

/** Asks Google who the credentials are. Throws when the answer names no account (a system fault, not a typo). */
export async function googleIdentity(
  google: Pick<GoogleClients, 'drive' | 'calls'>,
): Promise<GoogleIdentity> {
  const res = await google.calls.call({ name: 'drive.about.get', kind: 'drive' }, () =>
    // "Required: The fields parameter must be set" (about.get); only the user is needed.
    google.drive.about.get({ fields: 'user(displayName,emailAddress,permissionId,me)' }),
  );
  const parsed = AboutUserSchema.safeParse(res.data);
  if (!parsed.success)
    throw new Error(
      `Drive about.get named no account for these credentials: ${parsed.error.issues[0]?.message}`,
    );
  const u = parsed.data.user;
  if (u.me === false)
    throw new Error(`Drive about.get answered for ${u.emailAddress}, who is not the caller`);
  return {
    email: u.emailAddress,
    displayName: u.displayName ?? null,
    permissionId: u.permissionId ?? null,
    source: 'drive.about.get',
  };
}

/**
 * `--as`, when given, must be the account the credentials are: a person who means to act as someone else is told
 * so, never recorded under a name the credentials do not prove.
 */
export function checkAs(identity: GoogleIdentity, as: string | undefined): void {
  if (as === undefined) return;
  if (as.trim().toLowerCase() !== identity.email.toLowerCase())
    throw new UsageError(
      `--as ${as} is not the Google account these credentials act as (${identity.email}, as Drive reports it): leave out --as, or run with the credentials of ${as} (GOOGLE_APPLICATION_CREDENTIALS)`,
    );
}

export const AS_HELP = `  --as EMAIL           optional: the account you mean to act as; refused unless it is the credentials' own`;
