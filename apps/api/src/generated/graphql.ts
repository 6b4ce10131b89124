import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AssetRow, AudioConnectionParent, CollectionRow, CollectionConnectionParent, SearchHitParent, SearchPageParent, BatchRow, ItemRow, UserRow, MembershipRow, ApiKeyRow, TenantRow, ModelVersionRow, MeParent, SignInParent, InvitePayloadParent, InvitationRow, InvitationPreviewParent, CreateKeyPayloadParent } from '../parents.ts';
import type { Context } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An RFC 3339 date-time string in UTC with milliseconds, e.g. 2026-11-25T13:05:00.000Z. */
  DateTime: { input: Date | string; output: Date | string; }
  /** Any JSON value (object, array, string, number, boolean or null) as ECMA-404 defines it. */
  JSON: { input: unknown; output: unknown; }
};

/** Accepting an invitation link. */
export type AcceptInvitationInput = {
  /** New accounts only: display name (default: the one the admin suggested, else the part of the email before @). */
  name?: InputMaybe<Scalars['String']['input']>;
  /**
   * No account with the invited email yet: the password to set (10..200 characters). An existing account: its current
   * password (not needed when signed in as that account).
   */
  password?: InputMaybe<Scalars['String']['input']>;
  /** The token from the invitation link (/invite/<token>). */
  token: Scalars['String']['input'];
};

/** A partner credential of this tenant (`Authorization: Bearer esk_...`). */
export type ApiKey = {
  __typename?: 'ApiKey';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** When it last authenticated a request; null if never. */
  lastUsedAt: Maybe<Scalars['DateTime']['output']>;
  /** Name given at creation. */
  name: Scalars['String']['output'];
  /** Public first part of the key (identifies it in logs and lists); the secret is shown only once at creation. */
  prefix: Scalars['String']['output'];
  /** When it was revoked; null while it works. */
  revokedAt: Maybe<Scalars['DateTime']['output']>;
  /** What the key may do. */
  scopes: Array<ApiKeyScope>;
};

/** A page of a list of ApiKey (Relay cursor connection). */
export type ApiKeyConnection = {
  __typename?: 'ApiKeyConnection';
  /** The items of this page. */
  edges: Array<ApiKeyEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
};

/** One ApiKey in a list, with its cursor. */
export type ApiKeyEdge = {
  __typename?: 'ApiKeyEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: ApiKey;
};

/** What an API key may do: SEARCH (read and search), INGEST (upload, edit metadata, collections), ADMIN (everything). */
export type ApiKeyScope =
  /** Everything, including keys and re-indexing. */
  | 'ADMIN'
  /** Upload, edit metadata and manage collections. */
  | 'INGEST'
  /** Read and search. */
  | 'SEARCH';

/** Where an asset is in ingest. Only READY assets are searchable. */
export type AssetStatus =
  /** Ingest failed; see the upload item's errorCode. */
  | 'FAILED'
  /** Stored, waiting for a worker. */
  | 'PENDING'
  /** Being decoded and embedded. */
  | 'PROCESSING'
  /** Decoded, embedded and searchable. */
  | 'READY';

/** A recording in the archive (an audio asset) with its catalogue metadata and technical properties. */
export type Audio = {
  __typename?: 'Audio';
  /** Category; empty when none. */
  category: Scalars['String']['output'];
  /** Number of audio channels of the original. */
  channels: Scalars['Int']['output'];
  /** Codec of the stored original, e.g. pcm_s16le. */
  codec: Scalars['String']['output'];
  /** Collections this asset belongs to. */
  collections: CollectionConnection;
  /** When it was uploaded. */
  createdAt: Scalars['DateTime']['output'];
  /** Extra metadata from upload sidecars or edits. */
  custom: Scalars['JSON']['output'];
  /** Free-text description; empty when none. */
  description: Scalars['String']['output'];
  /** Duration in seconds. */
  durationS: Scalars['Float']['output'];
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** Licence; empty when none. */
  licence: Scalars['String']['output'];
  /** Short-lived signed URLs (plain HTTP, Range supported) for playback, download and waveform peaks. */
  media: AudioMedia;
  /** MIME type of the stored original, e.g. audio/wav. */
  mime: Scalars['String']['output'];
  /** The filename as uploaded. */
  originalFilename: Scalars['String']['output'];
  /** Sample rate of the original in Hz. */
  sampleRate: Scalars['Int']['output'];
  /** Number of indexed segments for the tenant's search model (0 until processed). */
  segmentCount: Scalars['Int']['output'];
  /** Size of the stored original in bytes (Float: may exceed 2^31). */
  sizeBytes: Scalars['Float']['output'];
  /** Where the asset is in ingest. */
  status: AssetStatus;
  /** Tags, in the order they were given. */
  tags: Array<Scalars['String']['output']>;
  /** Title (from the sidecar, an edit, or the filename). */
  title: Scalars['String']['output'];
  /** When its metadata or status last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A recording in the archive (an audio asset) with its catalogue metadata and technical properties. */
export type AudioCollectionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of a list of Audio (Relay cursor connection). */
export type AudioConnection = {
  __typename?: 'AudioConnection';
  /** The items of this page. */
  edges: Array<AudioEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
  /** Total matching assets (counted only when selected). */
  totalCount: Scalars['Int']['output'];
};

/** One Audio in a list, with its cursor. */
export type AudioEdge = {
  __typename?: 'AudioEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Audio;
};

/** Narrows searchAudio, similarAudio, searchByExample and audios. All given conditions must hold (AND). */
export type AudioFilter = {
  /** Exact category match (any of). */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Only assets in this collection. */
  collectionId?: InputMaybe<Scalars['ID']['input']>;
  /** Exact licence match (any of). */
  licences?: InputMaybe<Array<Scalars['String']['input']>>;
  /** At most this duration in seconds, inclusive. */
  maxDurationS?: InputMaybe<Scalars['Float']['input']>;
  /** Duration in seconds, inclusive. */
  minDurationS?: InputMaybe<Scalars['Float']['input']>;
  /** Processing status; searches always see READY only. For `audios` the default is all statuses. */
  statuses?: InputMaybe<Array<AssetStatus>>;
  /** Assets carrying every one of these tags. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Uploaded (created) at or after / before these instants. */
  uploadedAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Uploaded (created) before this instant. */
  uploadedBefore?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Signed URLs bound to this tenant and asset; they expire at `expiresAt` (re-query to refresh). Use directly in <audio src>. */
export type AudioMedia = {
  __typename?: 'AudioMedia';
  /** Same bytes with Content-Disposition: attachment and the original filename. */
  downloadUrl: Scalars['String']['output'];
  /** When the URLs stop working. */
  expiresAt: Scalars['DateTime']['output'];
  /** peaks.js / audiowaveform JSON; null while the asset has no peaks yet. */
  peaksUrl: Maybe<Scalars['String']['output']>;
  /** Streams the original bytes inline, honours Range (206). */
  streamUrl: Scalars['String']['output'];
};

/** Fields to change on an asset; omitted fields stay as they are. */
export type AudioMetadataInput = {
  /** A category, e.g. "Nature" (at most 100 characters). */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Free-form extra metadata (object); replaces the whole object. */
  custom?: InputMaybe<Scalars['JSON']['input']>;
  /** At most 10000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** A licence name, e.g. "CC-BY 4.0" (at most 200 characters). */
  licence?: InputMaybe<Scalars['String']['input']>;
  /** At most 100 tags, each 1..100 characters; replaces the whole list. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  /** At most 300 characters. */
  title?: InputMaybe<Scalars['String']['input']>;
};

/** Order of `audios`. */
export type AudioSort = {
  /** Ascending or descending. */
  direction?: SortDirection;
  /** What to order by. */
  field?: AudioSortField;
};

/** What audios can be ordered by. */
export type AudioSortField =
  /** Upload time. */
  | 'CREATED_AT'
  /** Duration in seconds. */
  | 'DURATION'
  /** Title, alphabetically. */
  | 'TITLE';

/** Changing the signed-in user's password. */
export type ChangePasswordInput = {
  /** The password in use now. */
  currentPassword: Scalars['String']['input'];
  /** 10..200 characters. */
  newPassword: Scalars['String']['input'];
};

/** A named, curated set of assets within the tenant. */
export type Collection = {
  __typename?: 'Collection';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Free text; empty when none. */
  description: Scalars['String']['output'];
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** Assets in this collection, newest added first. */
  items: AudioConnection;
  /** Name, unique within the tenant. */
  name: Scalars['String']['output'];
  /** When its name, description or items last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A named, curated set of assets within the tenant. */
export type CollectionItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of a list of Collection (Relay cursor connection). */
export type CollectionConnection = {
  __typename?: 'CollectionConnection';
  /** The items of this page. */
  edges: Array<CollectionEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
  /** Total collections in the list. */
  totalCount: Scalars['Int']['output'];
};

/** One Collection in a list, with its cursor. */
export type CollectionEdge = {
  __typename?: 'CollectionEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Collection;
};

/** A new API key. */
export type CreateApiKeyInput = {
  /** 1..100 characters. */
  name: Scalars['String']['input'];
  /** At least one scope. */
  scopes: Array<ApiKeyScope>;
};

/** The created key and its secret. */
export type CreateApiKeyPayload = {
  __typename?: 'CreateApiKeyPayload';
  /** The new key. */
  apiKey: ApiKey;
  /** The full key (`esk_<prefix>_<secret>`). Shown only here, once; store it now. */
  secret: Scalars['String']['output'];
};

/** A new collection. */
export type CreateCollectionInput = {
  /** Free text. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** 1..200 characters, unique within the tenant. */
  name: Scalars['String']['input'];
};

/** A new upload batch. */
export type CreateUploadBatchInput = {
  /** Free text describing where the files come from (e.g. 'BBC donation 2026'). */
  source?: InputMaybe<Scalars['String']['input']>;
};

/** What a delete removed. */
export type DeletePayload = {
  __typename?: 'DeletePayload';
  /** The id of the object that no longer exists. */
  deletedId: Scalars['ID']['output'];
};

/**
 * The `extensions.code` of every error, on GraphQL and on the plain-HTTP routes (`{"error": {"code", "message"}}`).
 * The HTTP status of a plain-HTTP answer, and of a GraphQL answer refused before execution, is given per code.
 */
export type ErrorCode =
  /** 400: a malformed HTTP request (method, content type, body shape), or a persisted-query hash that does not match its query. */
  | 'BAD_REQUEST'
  /** 400: an argument or input value is out of range or malformed (also a cursor that was not issued by this API). */
  | 'BAD_USER_INPUT'
  /** 403: the caller is known but its role or key scopes do not allow this. */
  | 'FORBIDDEN'
  /** 400: the document is not valid GraphQL syntax, or has more tokens than the limit. */
  | 'GRAPHQL_PARSE_FAILED'
  /** 400: the document does not validate against this schema, or exceeds the depth, alias or cost limits. */
  | 'GRAPHQL_VALIDATION_FAILED'
  /** 500: an unexpected failure; the details are logged under the request id, never sent. */
  | 'INTERNAL_SERVER_ERROR'
  /** 400: an invitation or password link that is malformed, used, revoked or expired. */
  | 'INVALID_TOKEN'
  /** 404: no such object in the caller's tenant (objects of other tenants are never revealed), or no such route. */
  | 'NOT_FOUND'
  /** 400: `operationName` names no operation in the document, or several operations and none named. */
  | 'OPERATION_RESOLUTION_FAILURE'
  /** Automatic persisted queries: the hash is unknown here; send the query text with the hash once. */
  | 'PERSISTED_QUERY_NOT_FOUND'
  /** Automatic persisted queries are not enabled on this server. */
  | 'PERSISTED_QUERY_NOT_SUPPORTED'
  /** 416: a media Range header outside the file. */
  | 'RANGE_NOT_SATISFIABLE'
  /** 429: too many requests or too much query cost; `Retry-After` says when to try again. */
  | 'RATE_LIMITED'
  /** 413: an upload or request body over its size limit. */
  | 'TOO_LARGE'
  /** 401: no credential, or an unknown, revoked or expired API key or session; or a wrong email or password. */
  | 'UNAUTHENTICATED'
  /** 503: a dependency (the embedder, the database, the queue) is down or busy; retry later. */
  | 'UNAVAILABLE';

/** An invitation to join the tenant: a single-use link for one email, valid until expiresAt. */
export type Invitation = {
  __typename?: 'Invitation';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The invited email address. */
  email: Scalars['String']['output'];
  /** When the link stops working. */
  expiresAt: Scalars['DateTime']['output'];
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** The role the membership gets. */
  role: Role;
  /** Whether the link still works. */
  status: InvitationStatus;
};

/** A page of a list of Invitation (Relay cursor connection). */
export type InvitationConnection = {
  __typename?: 'InvitationConnection';
  /** The items of this page. */
  edges: Array<InvitationEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
};

/** One Invitation in a list, with its cursor. */
export type InvitationEdge = {
  __typename?: 'InvitationEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Invitation;
};

/** What an invitation link offers, for the page that opens it. Never shown to the inviting admin. */
export type InvitationPreview = {
  __typename?: 'InvitationPreview';
  /** True when the email already has an account: accepting then needs its password (or a session as that account). */
  accountExists: Scalars['Boolean']['output'];
  /** The invited email address. */
  email: Scalars['String']['output'];
  /** When the link stops working. */
  expiresAt: Scalars['DateTime']['output'];
  /** The role the membership gets. */
  role: Role;
  /** True when the caller is signed in as the invited email (accepting needs no password). */
  signedInAsInvitee: Scalars['Boolean']['output'];
  /** The inviting tenant's name. */
  tenantName: Scalars['String']['output'];
};

/** PENDING until accepted, revoked or past expiresAt. */
export type InvitationStatus =
  /** Used: the membership exists. */
  | 'ACCEPTED'
  /** Past expiresAt without being used. */
  | 'EXPIRED'
  /** Not yet used; the link works until expiresAt. */
  | 'PENDING'
  /** Revoked by an admin, or replaced by a newer invitation for the same email. */
  | 'REVOKED';

/** Whom to invite, and with which role. */
export type InviteMemberInput = {
  /** The invitee's email address. */
  email: Scalars['String']['input'];
  /** Suggested display name for a new account (the invitee may change it when accepting). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The role the membership gets when the invitee accepts. */
  role: Role;
};

/**
 * The same answer whether or not the email has an account anywhere. Earshot sends no mail (it has no mail server):
 * hand the link to the invitee yourself. The invitee opens it to set their own password, or to confirm an existing
 * account with its password; the membership exists only after that.
 */
export type InviteMemberPayload = {
  __typename?: 'InviteMemberPayload';
  /** The new invitation. */
  invitation: Invitation;
  /** The invitation link on the web UI (/invite/<token>). Shown only here, once; it works once, until expiresAt. */
  link: Scalars['String']['output'];
};

/** Which ranking found a hit. */
export type MatchSource =
  /** The content (sound) ranking. */
  | 'CONTENT'
  /** The metadata (text) ranking. */
  | 'METADATA';

/** Who is calling: a signed-in user, or an API key. */
export type Me = {
  __typename?: 'Me';
  /** Null when the caller is a user session. */
  apiKey: Maybe<ApiKey>;
  /** Tenants the user may switch to (slug and role); empty for API keys. */
  memberships: Array<TenantMembership>;
  /** The user's role in this tenant; null for API keys. */
  role: Maybe<Role>;
  /** Scopes in effect (for users derived from the role). */
  scopes: Array<ApiKeyScope>;
  /** The tenant the caller acts in. */
  tenant: Tenant;
  /** Null when the caller is an API key. */
  user: Maybe<User>;
};

/** A user's role in this tenant. */
export type Membership = {
  __typename?: 'Membership';
  /** When the membership began. */
  createdAt: Scalars['DateTime']['output'];
  /** The member's role in this tenant. */
  role: Role;
  /** The member. */
  user: User;
};

/** A page of a list of Membership (Relay cursor connection). */
export type MembershipConnection = {
  __typename?: 'MembershipConnection';
  /** The items of this page. */
  edges: Array<MembershipEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
};

/** One Membership in a list, with its cursor. */
export type MembershipEdge = {
  __typename?: 'MembershipEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Membership;
};

/** A registered embedding model version (what content search ranks with). */
export type ModelVersion = {
  __typename?: 'ModelVersion';
  /** CE or MoEE. */
  architecture: Maybe<Scalars['String']['output']>;
  /** When it was registered. */
  createdAt: Scalars['DateTime']['output'];
  /** Embedding dimension. */
  dim: Scalars['Int']['output'];
  /** Expert names in the order their blocks appear in the vectors. */
  experts: Array<Scalars['String']['output']>;
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** Retrieval metrics from the bundle manifest (e.g. R@1/R@5/R@10 on modsounds-dev). */
  metrics: Scalars['JSON']['output'];
  /** Model name. */
  name: Scalars['String']['output'];
  /** Version string; the embedder and the tenant must agree on it. */
  version: Scalars['String']['output'];
};

/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * No authentication: the token is the proof. Creates the account (new email) or checks the existing one's password,
   * adds the membership with the invited role and signs in to that tenant (sets the session cookie). INVALID_TOKEN for a
   * used, revoked or expired link; UNAUTHENTICATED for a missing or wrong password of an existing account.
   */
  acceptInvitation: SignInPayload;
  /** Adds assets (idempotent); every id must be an asset of this tenant. */
  addToCollection: Collection;
  /**
   * Signed-in users. Needs the current password (UNAUTHENTICATED when wrong). Ends every session of the user, this one
   * included, and sets a fresh session cookie for this browser. Always true.
   */
  changePassword: Scalars['Boolean']['output'];
  /** Archivist+ / INGEST. Says every file has been sent: the batch takes no more and becomes DONE once its files finish. */
  closeUploadBatch: UploadBatch;
  /** Admin / ADMIN. */
  createApiKey: CreateApiKeyPayload;
  /** Archivist+ / INGEST. */
  createCollection: Collection;
  /** Archivist+ / INGEST. Then POST files to the batch's uploadUrl. */
  createUploadBatch: UploadBatch;
  /** Archivist+ / INGEST. Removes the asset, its segments and collection memberships. */
  deleteAudio: DeletePayload;
  /** Archivist+ / INGEST. Deletes the collection, not its assets. */
  deleteCollection: DeletePayload;
  /**
   * Admin. Creates an invitation link for an email (see InviteMemberPayload); a newer invitation for the same email
   * revokes the older one. BAD_USER_INPUT when the email is already a member of this tenant.
   */
  inviteMember: InviteMemberPayload;
  /** Archivist+ / INGEST. Removes assets from the collection (idempotent); the assets stay. */
  removeFromCollection: Collection;
  /** Admin. Ends the user's membership of this tenant (their account stays). */
  removeMember: DeletePayload;
  /** No authentication: the token is the proof. Sets the password, uses the link up and ends every session of the user. */
  resetPassword: ResetPasswordPayload;
  /** Admin / ADMIN. The key stops working at once. */
  revokeApiKey: ApiKey;
  /** Admin. The link stops working at once. NOT_FOUND unless the invitation is pending in this tenant. */
  revokeInvitation: Invitation;
  /** Admin. An admin cannot demote or remove the tenant's last admin. */
  setMemberRole: Membership;
  /** Sets the httpOnly session cookie. Fails with UNAUTHENTICATED for a wrong email or password (same message for both). */
  signIn: SignInPayload;
  /** Ends the session and clears the cookie. Always true. */
  signOut: Scalars['Boolean']['output'];
  /** Admin / ADMIN. Re-embeds every asset with the model the embedder serves now, then switches search over to it. */
  startReindex: ReindexPayload;
  /** Switches the session's tenant (must be a member). */
  switchTenant: SignInPayload;
  /** Archivist+ / INGEST. */
  updateAudioMetadata: Audio;
  /** Archivist+ / INGEST. */
  updateCollection: Collection;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationAcceptInvitationArgs = {
  input: AcceptInvitationInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationAddToCollectionArgs = {
  assetIds: Array<Scalars['ID']['input']>;
  collectionId: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationChangePasswordArgs = {
  input: ChangePasswordInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationCloseUploadBatchArgs = {
  id: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationCreateCollectionArgs = {
  input: CreateCollectionInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationCreateUploadBatchArgs = {
  input?: InputMaybe<CreateUploadBatchInput>;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationDeleteAudioArgs = {
  id: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationDeleteCollectionArgs = {
  id: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationInviteMemberArgs = {
  input: InviteMemberInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationRemoveFromCollectionArgs = {
  assetIds: Array<Scalars['ID']['input']>;
  collectionId: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationRemoveMemberArgs = {
  userId: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationResetPasswordArgs = {
  input: ResetPasswordInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationRevokeInvitationArgs = {
  id: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationSetMemberRoleArgs = {
  role: Role;
  userId: Scalars['ID']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationSignInArgs = {
  input: SignInInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationSwitchTenantArgs = {
  slug: Scalars['String']['input'];
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationUpdateAudioMetadataArgs = {
  id: Scalars['ID']['input'];
  input: AudioMetadataInput;
};


/** Writes. The role (user sessions) or scope (API keys) each needs is given first. */
export type MutationUpdateCollectionArgs = {
  id: Scalars['ID']['input'];
  input: UpdateCollectionInput;
};

/** Where a page sits in its list (Relay cursor connections). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge; null on an empty page. */
  endCursor: Maybe<Scalars['String']['output']>;
  /** True when another page follows; pass `endCursor` as `after` to get it. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when this page is not the first. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge; null on an empty page. */
  startCursor: Maybe<Scalars['String']['output']>;
};

/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type Query = {
  __typename?: 'Query';
  /** One asset by id; null when it is not in this tenant. */
  audio: Maybe<Audio>;
  /** Browse the tenant's assets with filters and a sort order. */
  audios: AudioConnection;
  /** One collection by id; null when it is not in this tenant. */
  collection: Maybe<Collection>;
  /** The tenant's collections, by name. */
  collections: CollectionConnection;
  /** Liveness of the API itself. */
  health: Scalars['String']['output'];
  /** What an invitation link offers (no authentication: the token is the proof). INVALID_TOKEN when it is not pending. */
  invitation: InvitationPreview;
  /** The caller; null when not signed in (with health and invitation, the fields that need no authentication). */
  me: Maybe<Me>;
  /** The tenant's search model (version, dims, metrics); null when none is registered. */
  model: Maybe<ModelVersion>;
  /** Admin / ADMIN. The tenant's latest re-index job; null when none is known (finished jobs are removed). */
  reindexStatus: Maybe<ReindexStatus>;
  /**
   * Search by description. CONTENT ranks segments by CE similarity to the encoded query (pgvector HNSW); METADATA ranks
   * by Postgres full-text over title, tags, category and description; HYBRID fuses both by reciprocal rank fusion.
   * `query` is 1..1000 characters.
   */
  searchAudio: SearchConnection;
  /** Query by an uploaded example clip: `exampleId` comes from POST /v1/examples (see README). */
  searchByExample: SearchConnection;
  /** Query by example: assets that sound like an indexed asset (optionally like its segment starting at segmentStart). */
  similarAudio: SearchConnection;
  /** Audio-to-text: tags and captions that best describe an asset's sound, for labelling uncatalogued sounds. */
  suggestTags: TagSuggestionConnection;
  /** The tenant the caller acts in. */
  tenant: Tenant;
  /** One upload batch by id; null when it is not in this tenant. */
  uploadBatch: Maybe<UploadBatch>;
  /** The tenant's upload batches, newest first. */
  uploadBatches: UploadBatchConnection;
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QueryAudioArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QueryAudiosArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AudioFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  sort?: InputMaybe<AudioSort>;
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QueryCollectionArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QueryCollectionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QueryInvitationArgs = {
  token: Scalars['String']['input'];
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QuerySearchAudioArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AudioFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  mode?: InputMaybe<SearchMode>;
  query: Scalars['String']['input'];
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QuerySearchByExampleArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  exampleId: Scalars['ID']['input'];
  filter?: InputMaybe<AudioFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QuerySimilarAudioArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  assetId: Scalars['ID']['input'];
  filter?: InputMaybe<AudioFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  segmentStart?: InputMaybe<Scalars['Float']['input']>;
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QuerySuggestTagsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  assetId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QueryUploadBatchArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. All need authentication except `health`, `me` and `invitation`. */
export type QueryUploadBatchesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** The re-index job that was started (or is already running). */
export type ReindexPayload = {
  __typename?: 'ReindexPayload';
  /** Background job id (one re-index per tenant runs at a time; starting again while one runs returns the same job). */
  jobId: Scalars['String']['output'];
};

/** State of a re-index job (the queue's job states). */
export type ReindexState =
  /** Running. */
  | 'ACTIVE'
  /** Finished; search uses the new model. */
  | 'COMPLETED'
  /** Waiting to retry after a failure. */
  | 'DELAYED'
  /** Failed for good; see `error`. */
  | 'FAILED'
  /** Queued behind a higher-priority job. */
  | 'PRIORITIZED'
  /** The queue reports a state this API does not know. */
  | 'UNKNOWN'
  /** Queued, not started. */
  | 'WAITING'
  /** Waiting for child jobs. */
  | 'WAITING_CHILDREN';

/** State of the tenant's re-index job. */
export type ReindexStatus = {
  __typename?: 'ReindexStatus';
  /** Why it failed, when state is failed. */
  error: Maybe<Scalars['String']['output']>;
  /** Background job id. */
  jobId: Scalars['String']['output'];
  /** 0..1 */
  progress: Scalars['Float']['output'];
  /** Where the job is. */
  state: ReindexState;
};

/** Setting a password from a reset link. */
export type ResetPasswordInput = {
  /** 10..200 characters. */
  newPassword: Scalars['String']['input'];
  /** The token from the link an operator issued (`earshot user reset-link`), /reset/<token>. */
  token: Scalars['String']['input'];
};

/** Result of setting a password from a reset link. */
export type ResetPasswordPayload = {
  __typename?: 'ResetPasswordPayload';
  /** The account whose password was set (sign in with it now). */
  email: Scalars['String']['output'];
};

/** A member's role in a tenant: viewer (search, play) < archivist (+ edit, collections, upload) < admin (+ keys, members, re-index). */
export type Role =
  /** Archivist, plus API keys, members, invitations and re-indexing. */
  | 'ADMIN'
  /** Viewer, plus edit metadata, manage collections and upload. */
  | 'ARCHIVIST'
  /** Search, browse and play. */
  | 'VIEWER';

/** A page of a list of Search (Relay cursor connection). */
export type SearchConnection = {
  __typename?: 'SearchConnection';
  /** The items of this page. */
  edges: Array<SearchHitEdge>;
  /** The model version that ranked content matches (null for METADATA mode or when the tenant has no model). */
  model: Maybe<ModelVersion>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
};

/** One search result: an asset, how well it matched and where. */
export type SearchHit = {
  __typename?: 'SearchHit';
  /** The matching asset. */
  asset: Audio;
  /** Which rankings found this asset. */
  foundBy: Array<MatchSource>;
  /** Higher is better. CONTENT: inner product (CE similarity); METADATA: ts_rank_cd; HYBRID: reciprocal-rank-fusion score. */
  score: Scalars['Float']['output'];
  /** Best matching segment for content matches; null for metadata-only hits. */
  segment: Maybe<TimeRange>;
};

/** One SearchHit in a list, with its cursor. */
export type SearchHitEdge = {
  __typename?: 'SearchHitEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: SearchHit;
};

/** How searchAudio ranks: by what the sound sounds like, by its catalogue text, or both fused (reciprocal rank fusion). */
export type SearchMode =
  /** By sound: the query text's embedding against the audio segments' embeddings. */
  | 'CONTENT'
  /** Both rankings fused by reciprocal rank fusion. */
  | 'HYBRID'
  /** By catalogue text: Postgres full-text search over title, tags, category and description. */
  | 'METADATA';

/** Email and password sign-in (the web UI; partners use API keys). */
export type SignInInput = {
  /** The account's email address. */
  email: Scalars['String']['input'];
  /** The account's password. */
  password: Scalars['String']['input'];
  /** Tenant to act in; default: the user's first membership (oldest). */
  tenantSlug?: InputMaybe<Scalars['String']['input']>;
};

/** The session that was started or switched. */
export type SignInPayload = {
  __typename?: 'SignInPayload';
  /** The user's role in that tenant. */
  role: Role;
  /** The tenant the session acts in. */
  tenant: Tenant;
  /** The signed-in user. */
  user: User;
};

/** Sort order. */
export type SortDirection =
  /** Smallest (oldest, A) first. */
  | 'ASC'
  /** Largest (newest, Z) first. */
  | 'DESC';

/** A tag or caption that describes an asset's sound. */
export type TagSuggestion = {
  __typename?: 'TagSuggestion';
  /** CE similarity of the text to the asset's audio; higher is better. */
  score: Scalars['Float']['output'];
  /** Where the text comes from. */
  source: TagSuggestionSource;
  /** A tag or caption from the vocabulary. */
  text: Scalars['String']['output'];
};

/** A page of a list of TagSuggestion (Relay cursor connection). */
export type TagSuggestionConnection = {
  __typename?: 'TagSuggestionConnection';
  /** The items of this page. */
  edges: Array<TagSuggestionEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
};

/** One TagSuggestion in a list, with its cursor. */
export type TagSuggestionEdge = {
  __typename?: 'TagSuggestionEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: TagSuggestion;
};

/** Where a suggested tag comes from. */
export type TagSuggestionSource =
  /** A tag or category already used on this tenant's assets. */
  | 'TENANT_TAG'
  /** The built-in sound vocabulary. */
  | 'VOCABULARY';

/** An organisation: its own archive, members, keys and search model. */
export type Tenant = {
  __typename?: 'Tenant';
  /** API keys, including revoked ones (admin only). */
  apiKeys: ApiKeyConnection;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** Pending invitations (not accepted, revoked or expired), newest first (admin only). */
  invitations: InvitationConnection;
  /** Members and their roles (admin only). */
  members: MembershipConnection;
  /** Display name. */
  name: Scalars['String']['output'];
  /** The model version searches use (null before the first model is registered). */
  searchModel: Maybe<ModelVersion>;
  /** Short unique name (used to sign in to or switch to this tenant). */
  slug: Scalars['String']['output'];
};


/** An organisation: its own archive, members, keys and search model. */
export type TenantApiKeysArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** An organisation: its own archive, members, keys and search model. */
export type TenantInvitationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** An organisation: its own archive, members, keys and search model. */
export type TenantMembersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A tenant the user belongs to, for switching. */
export type TenantMembership = {
  __typename?: 'TenantMembership';
  /** The user's role there. */
  role: Role;
  /** The tenant's display name. */
  tenantName: Scalars['String']['output'];
  /** The tenant's slug (pass to switchTenant). */
  tenantSlug: Scalars['String']['output'];
};

/** A time range inside a recording, in seconds from its start. */
export type TimeRange = {
  __typename?: 'TimeRange';
  /** End, in seconds from the beginning of the recording. */
  endS: Scalars['Float']['output'];
  /** Start, in seconds from the beginning of the recording. */
  startS: Scalars['Float']['output'];
};

/** Fields to change on a collection; omitted fields stay as they are. */
export type UpdateCollectionInput = {
  /** Free text. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** 1..200 characters, unique within the tenant. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** A set of uploaded files ingested together. */
export type UploadBatch = {
  __typename?: 'UploadBatch';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When every file finished; null until then. */
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** The batch's files, oldest first. */
  items: UploadItemConnection;
  /** Counts of its items by status. */
  progress: UploadBatchProgress;
  /** Free text given at creation. */
  source: Scalars['String']['output'];
  /** Where the batch is. */
  status: UploadBatchStatus;
  /** Where to POST multipart files for this batch (relative URL, same auth as GraphQL). */
  uploadUrl: Scalars['String']['output'];
};


/** A set of uploaded files ingested together. */
export type UploadBatchItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<UploadItemStatus>;
};

/** A page of a list of UploadBatch (Relay cursor connection). */
export type UploadBatchConnection = {
  __typename?: 'UploadBatchConnection';
  /** The items of this page. */
  edges: Array<UploadBatchEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
};

/** One UploadBatch in a list, with its cursor. */
export type UploadBatchEdge = {
  __typename?: 'UploadBatchEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: UploadBatch;
};

/** Counts of a batch's items by status. */
export type UploadBatchProgress = {
  __typename?: 'UploadBatchProgress';
  /** Items that became new assets. */
  done: Scalars['Int']['output'];
  /** Items that were duplicates of existing assets. */
  duplicate: Scalars['Int']['output'];
  /** Items that failed. */
  failed: Scalars['Int']['output'];
  /** 0..1 over all items (finished items count 1, processing ones their own progress). */
  fraction: Scalars['Float']['output'];
  /** Items being processed. */
  processing: Scalars['Int']['output'];
  /** Items waiting for a worker. */
  queued: Scalars['Int']['output'];
  /** All items. */
  total: Scalars['Int']['output'];
};

/** Where an upload batch is. */
export type UploadBatchStatus =
  /** Closed and every file finished (done, duplicate or failed). */
  | 'DONE'
  /** The batch itself failed. */
  | 'FAILED'
  /** Accepting files. */
  | 'OPEN'
  /** Closed; some files are still being processed. */
  | 'PROCESSING';

/** Why an uploaded file failed (UploadItem.errorCode). */
export type UploadErrorCode =
  /** The zip archive itself cannot be read. */
  | 'BAD_ARCHIVE'
  /** The metadata sidecar (CSV or JSON) cannot be parsed. */
  | 'BAD_METADATA'
  /** A declared sample rate outside what real recordings use. */
  | 'BAD_SAMPLE_RATE'
  /** Has an audio stream that the decoder fails on. */
  | 'CORRUPT'
  /** The database stayed unreachable through every retry. */
  | 'DATABASE_UNAVAILABLE'
  /** The server has no audio decoder (ffmpeg) installed. */
  | 'DECODER_MISSING'
  /** The decoder produced nothing within its time limit. */
  | 'DECODE_TIMEOUT'
  /** The embedding service stayed down through every retry. */
  | 'EMBEDDER_UNAVAILABLE'
  /** The embedding service refused the audio. */
  | 'EMBED_REJECTED'
  /** The file is 0 bytes. */
  | 'EMPTY_FILE'
  /** Anything unexpected, after retries. */
  | 'INTERNAL'
  /** NaN or infinite sample values. */
  | 'INVALID_SAMPLES'
  /** Readable, but has no audio stream (text, an image, random bytes). */
  | 'NOT_AUDIO'
  /** A symbolic link, FIFO, socket or device inside an uploaded folder. */
  | 'NOT_A_FILE'
  /** The file named does not exist (or is not a regular file). */
  | 'NOT_FOUND'
  /** The job kept stalling (its worker died) beyond the allowed count. */
  | 'STALLED'
  /** The file is over the per-file size limit. */
  | 'TOO_LARGE'
  /** Longer than the maximum duration. */
  | 'TOO_LONG'
  /** Decoding stopped well before the duration the header declares. */
  | 'TRUNCATED'
  /** The file exists but cannot be read. */
  | 'UNREADABLE'
  /** A zip entry name that is absolute or climbs out with '..'. */
  | 'UNSAFE_PATH'
  /** A codec or channel layout the decoder cannot handle. */
  | 'UNSUPPORTED'
  /** A valid audio stream with no samples. */
  | 'ZERO_LENGTH'
  /** A zip entry whose compression ratio or expanded size is beyond the limits. */
  | 'ZIP_BOMB';

/** One uploaded file and what became of it. */
export type UploadItem = {
  __typename?: 'UploadItem';
  /** The asset created (or, for DUPLICATE, the existing one). */
  asset: Maybe<Audio>;
  /** When the file was received. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable code when FAILED; null otherwise. */
  errorCode: Maybe<UploadErrorCode>;
  /** Human-readable detail when FAILED. */
  errorMessage: Maybe<Scalars['String']['output']>;
  /** The name as uploaded (a path inside a zip or folder). */
  filename: Scalars['String']['output'];
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** 0..1 for this file. */
  progress: Scalars['Float']['output'];
  /** Size in bytes (Float: may exceed 2^31). */
  sizeBytes: Scalars['Float']['output'];
  /** Where the file is. */
  status: UploadItemStatus;
  /** When its status or progress last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of a list of UploadItem (Relay cursor connection). */
export type UploadItemConnection = {
  __typename?: 'UploadItemConnection';
  /** The items of this page. */
  edges: Array<UploadItemEdge>;
  /** Where this page sits in the list. */
  pageInfo: PageInfo;
};

/** One UploadItem in a list, with its cursor. */
export type UploadItemEdge = {
  __typename?: 'UploadItemEdge';
  /** Pass as `after` to get the items after this one. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: UploadItem;
};

/** Where one uploaded file is. */
export type UploadItemStatus =
  /** Became a new asset. */
  | 'DONE'
  /** Same bytes as an existing asset of the tenant; `asset` is that one. */
  | 'DUPLICATE'
  /** Rejected; see errorCode and errorMessage. */
  | 'FAILED'
  /** Being decoded and embedded. */
  | 'PROCESSING'
  /** Stored, waiting for a worker. */
  | 'QUEUED';

/** A person with an account (one account may belong to several tenants). */
export type User = {
  __typename?: 'User';
  /** Email address (the sign-in name). */
  email: Scalars['String']['output'];
  /** Opaque, stable identifier. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AcceptInvitationInput: AcceptInvitationInput;
  ApiKey: ResolverTypeWrapper<ApiKeyRow>;
  ApiKeyConnection: ResolverTypeWrapper<Omit<ApiKeyConnection, 'edges'> & { edges: Array<ResolversTypes['ApiKeyEdge']> }>;
  ApiKeyEdge: ResolverTypeWrapper<Omit<ApiKeyEdge, 'node'> & { node: ResolversTypes['ApiKey'] }>;
  ApiKeyScope: ApiKeyScope;
  AssetStatus: AssetStatus;
  Audio: ResolverTypeWrapper<AssetRow>;
  AudioConnection: ResolverTypeWrapper<AudioConnectionParent>;
  AudioEdge: ResolverTypeWrapper<Omit<AudioEdge, 'node'> & { node: ResolversTypes['Audio'] }>;
  AudioFilter: AudioFilter;
  AudioMedia: ResolverTypeWrapper<AssetRow>;
  AudioMetadataInput: AudioMetadataInput;
  AudioSort: AudioSort;
  AudioSortField: AudioSortField;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ChangePasswordInput: ChangePasswordInput;
  Collection: ResolverTypeWrapper<CollectionRow>;
  CollectionConnection: ResolverTypeWrapper<CollectionConnectionParent>;
  CollectionEdge: ResolverTypeWrapper<Omit<CollectionEdge, 'node'> & { node: ResolversTypes['Collection'] }>;
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: ResolverTypeWrapper<CreateKeyPayloadParent>;
  CreateCollectionInput: CreateCollectionInput;
  CreateUploadBatchInput: CreateUploadBatchInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeletePayload: ResolverTypeWrapper<DeletePayload>;
  ErrorCode: ErrorCode;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Invitation: ResolverTypeWrapper<InvitationRow>;
  InvitationConnection: ResolverTypeWrapper<Omit<InvitationConnection, 'edges'> & { edges: Array<ResolversTypes['InvitationEdge']> }>;
  InvitationEdge: ResolverTypeWrapper<Omit<InvitationEdge, 'node'> & { node: ResolversTypes['Invitation'] }>;
  InvitationPreview: ResolverTypeWrapper<InvitationPreviewParent>;
  InvitationStatus: InvitationStatus;
  InviteMemberInput: InviteMemberInput;
  InviteMemberPayload: ResolverTypeWrapper<InvitePayloadParent>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  MatchSource: MatchSource;
  Me: ResolverTypeWrapper<MeParent>;
  Membership: ResolverTypeWrapper<MembershipRow>;
  MembershipConnection: ResolverTypeWrapper<Omit<MembershipConnection, 'edges'> & { edges: Array<ResolversTypes['MembershipEdge']> }>;
  MembershipEdge: ResolverTypeWrapper<Omit<MembershipEdge, 'node'> & { node: ResolversTypes['Membership'] }>;
  ModelVersion: ResolverTypeWrapper<ModelVersionRow>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReindexPayload: ResolverTypeWrapper<ReindexPayload>;
  ReindexState: ReindexState;
  ReindexStatus: ResolverTypeWrapper<ReindexStatus>;
  ResetPasswordInput: ResetPasswordInput;
  ResetPasswordPayload: ResolverTypeWrapper<ResetPasswordPayload>;
  Role: Role;
  SearchConnection: ResolverTypeWrapper<SearchPageParent>;
  SearchHit: ResolverTypeWrapper<SearchHitParent>;
  SearchHitEdge: ResolverTypeWrapper<Omit<SearchHitEdge, 'node'> & { node: ResolversTypes['SearchHit'] }>;
  SearchMode: SearchMode;
  SignInInput: SignInInput;
  SignInPayload: ResolverTypeWrapper<SignInParent>;
  SortDirection: SortDirection;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  TagSuggestion: ResolverTypeWrapper<TagSuggestion>;
  TagSuggestionConnection: ResolverTypeWrapper<TagSuggestionConnection>;
  TagSuggestionEdge: ResolverTypeWrapper<TagSuggestionEdge>;
  TagSuggestionSource: TagSuggestionSource;
  Tenant: ResolverTypeWrapper<TenantRow>;
  TenantMembership: ResolverTypeWrapper<TenantMembership>;
  TimeRange: ResolverTypeWrapper<TimeRange>;
  UpdateCollectionInput: UpdateCollectionInput;
  UploadBatch: ResolverTypeWrapper<BatchRow>;
  UploadBatchConnection: ResolverTypeWrapper<Omit<UploadBatchConnection, 'edges'> & { edges: Array<ResolversTypes['UploadBatchEdge']> }>;
  UploadBatchEdge: ResolverTypeWrapper<Omit<UploadBatchEdge, 'node'> & { node: ResolversTypes['UploadBatch'] }>;
  UploadBatchProgress: ResolverTypeWrapper<UploadBatchProgress>;
  UploadBatchStatus: UploadBatchStatus;
  UploadErrorCode: UploadErrorCode;
  UploadItem: ResolverTypeWrapper<ItemRow>;
  UploadItemConnection: ResolverTypeWrapper<Omit<UploadItemConnection, 'edges'> & { edges: Array<ResolversTypes['UploadItemEdge']> }>;
  UploadItemEdge: ResolverTypeWrapper<Omit<UploadItemEdge, 'node'> & { node: ResolversTypes['UploadItem'] }>;
  UploadItemStatus: UploadItemStatus;
  User: ResolverTypeWrapper<UserRow>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AcceptInvitationInput: AcceptInvitationInput;
  ApiKey: ApiKeyRow;
  ApiKeyConnection: Omit<ApiKeyConnection, 'edges'> & { edges: Array<ResolversParentTypes['ApiKeyEdge']> };
  ApiKeyEdge: Omit<ApiKeyEdge, 'node'> & { node: ResolversParentTypes['ApiKey'] };
  Audio: AssetRow;
  AudioConnection: AudioConnectionParent;
  AudioEdge: Omit<AudioEdge, 'node'> & { node: ResolversParentTypes['Audio'] };
  AudioFilter: AudioFilter;
  AudioMedia: AssetRow;
  AudioMetadataInput: AudioMetadataInput;
  AudioSort: AudioSort;
  Boolean: Scalars['Boolean']['output'];
  ChangePasswordInput: ChangePasswordInput;
  Collection: CollectionRow;
  CollectionConnection: CollectionConnectionParent;
  CollectionEdge: Omit<CollectionEdge, 'node'> & { node: ResolversParentTypes['Collection'] };
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: CreateKeyPayloadParent;
  CreateCollectionInput: CreateCollectionInput;
  CreateUploadBatchInput: CreateUploadBatchInput;
  DateTime: Scalars['DateTime']['output'];
  DeletePayload: DeletePayload;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  Invitation: InvitationRow;
  InvitationConnection: Omit<InvitationConnection, 'edges'> & { edges: Array<ResolversParentTypes['InvitationEdge']> };
  InvitationEdge: Omit<InvitationEdge, 'node'> & { node: ResolversParentTypes['Invitation'] };
  InvitationPreview: InvitationPreviewParent;
  InviteMemberInput: InviteMemberInput;
  InviteMemberPayload: InvitePayloadParent;
  JSON: Scalars['JSON']['output'];
  Me: MeParent;
  Membership: MembershipRow;
  MembershipConnection: Omit<MembershipConnection, 'edges'> & { edges: Array<ResolversParentTypes['MembershipEdge']> };
  MembershipEdge: Omit<MembershipEdge, 'node'> & { node: ResolversParentTypes['Membership'] };
  ModelVersion: ModelVersionRow;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  ReindexPayload: ReindexPayload;
  ReindexStatus: ReindexStatus;
  ResetPasswordInput: ResetPasswordInput;
  ResetPasswordPayload: ResetPasswordPayload;
  SearchConnection: SearchPageParent;
  SearchHit: SearchHitParent;
  SearchHitEdge: Omit<SearchHitEdge, 'node'> & { node: ResolversParentTypes['SearchHit'] };
  SignInInput: SignInInput;
  SignInPayload: SignInParent;
  String: Scalars['String']['output'];
  TagSuggestion: TagSuggestion;
  TagSuggestionConnection: TagSuggestionConnection;
  TagSuggestionEdge: TagSuggestionEdge;
  Tenant: TenantRow;
  TenantMembership: TenantMembership;
  TimeRange: TimeRange;
  UpdateCollectionInput: UpdateCollectionInput;
  UploadBatch: BatchRow;
  UploadBatchConnection: Omit<UploadBatchConnection, 'edges'> & { edges: Array<ResolversParentTypes['UploadBatchEdge']> };
  UploadBatchEdge: Omit<UploadBatchEdge, 'node'> & { node: ResolversParentTypes['UploadBatch'] };
  UploadBatchProgress: UploadBatchProgress;
  UploadItem: ItemRow;
  UploadItemConnection: Omit<UploadItemConnection, 'edges'> & { edges: Array<ResolversParentTypes['UploadItemEdge']> };
  UploadItemEdge: Omit<UploadItemEdge, 'node'> & { node: ResolversParentTypes['UploadItem'] };
  User: UserRow;
};

export type ApiKeyResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ApiKey'] = ResolversParentTypes['ApiKey']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastUsedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  prefix?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  scopes?: Resolver<Array<ResolversTypes['ApiKeyScope']>, ParentType, ContextType>;
};

export type ApiKeyConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ApiKeyConnection'] = ResolversParentTypes['ApiKeyConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ApiKeyEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type ApiKeyEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ApiKeyEdge'] = ResolversParentTypes['ApiKeyEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType>;
};

export type AudioResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Audio'] = ResolversParentTypes['Audio']> = {
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  channels?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  codec?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  collections?: Resolver<ResolversTypes['CollectionConnection'], ParentType, ContextType, Partial<AudioCollectionsArgs>>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  custom?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  durationS?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  licence?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  media?: Resolver<ResolversTypes['AudioMedia'], ParentType, ContextType>;
  mime?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  originalFilename?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sampleRate?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  segmentCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sizeBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AssetStatus'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type AudioConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AudioConnection'] = ResolversParentTypes['AudioConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AudioEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AudioEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AudioEdge'] = ResolversParentTypes['AudioEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Audio'], ParentType, ContextType>;
};

export type AudioMediaResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AudioMedia'] = ResolversParentTypes['AudioMedia']> = {
  downloadUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  peaksUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  streamUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CollectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Collection'] = ResolversParentTypes['Collection']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<ResolversTypes['AudioConnection'], ParentType, ContextType, Partial<CollectionItemsArgs>>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type CollectionConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CollectionConnection'] = ResolversParentTypes['CollectionConnection']> = {
  edges?: Resolver<Array<ResolversTypes['CollectionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type CollectionEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CollectionEdge'] = ResolversParentTypes['CollectionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Collection'], ParentType, ContextType>;
};

export type CreateApiKeyPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CreateApiKeyPayload'] = ResolversParentTypes['CreateApiKeyPayload']> = {
  apiKey?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeletePayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['DeletePayload'] = ResolversParentTypes['DeletePayload']> = {
  deletedId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type InvitationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Invitation'] = ResolversParentTypes['Invitation']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  email?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['InvitationStatus'], ParentType, ContextType>;
};

export type InvitationConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['InvitationConnection'] = ResolversParentTypes['InvitationConnection']> = {
  edges?: Resolver<Array<ResolversTypes['InvitationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type InvitationEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['InvitationEdge'] = ResolversParentTypes['InvitationEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Invitation'], ParentType, ContextType>;
};

export type InvitationPreviewResolvers<ContextType = Context, ParentType extends ResolversParentTypes['InvitationPreview'] = ResolversParentTypes['InvitationPreview']> = {
  accountExists?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  email?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  signedInAsInvitee?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  tenantName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type InviteMemberPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['InviteMemberPayload'] = ResolversParentTypes['InviteMemberPayload']> = {
  invitation?: Resolver<ResolversTypes['Invitation'], ParentType, ContextType>;
  link?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Me'] = ResolversParentTypes['Me']> = {
  apiKey?: Resolver<Maybe<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  memberships?: Resolver<Array<ResolversTypes['TenantMembership']>, ParentType, ContextType>;
  role?: Resolver<Maybe<ResolversTypes['Role']>, ParentType, ContextType>;
  scopes?: Resolver<Array<ResolversTypes['ApiKeyScope']>, ParentType, ContextType>;
  tenant?: Resolver<ResolversTypes['Tenant'], ParentType, ContextType>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
};

export type MembershipResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Membership'] = ResolversParentTypes['Membership']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export type MembershipConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MembershipConnection'] = ResolversParentTypes['MembershipConnection']> = {
  edges?: Resolver<Array<ResolversTypes['MembershipEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type MembershipEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MembershipEdge'] = ResolversParentTypes['MembershipEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Membership'], ParentType, ContextType>;
};

export type ModelVersionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ModelVersion'] = ResolversParentTypes['ModelVersion']> = {
  architecture?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  dim?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  experts?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  metrics?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  acceptInvitation?: Resolver<ResolversTypes['SignInPayload'], ParentType, ContextType, RequireFields<MutationAcceptInvitationArgs, 'input'>>;
  addToCollection?: Resolver<ResolversTypes['Collection'], ParentType, ContextType, RequireFields<MutationAddToCollectionArgs, 'assetIds' | 'collectionId'>>;
  changePassword?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationChangePasswordArgs, 'input'>>;
  closeUploadBatch?: Resolver<ResolversTypes['UploadBatch'], ParentType, ContextType, RequireFields<MutationCloseUploadBatchArgs, 'id'>>;
  createApiKey?: Resolver<ResolversTypes['CreateApiKeyPayload'], ParentType, ContextType, RequireFields<MutationCreateApiKeyArgs, 'input'>>;
  createCollection?: Resolver<ResolversTypes['Collection'], ParentType, ContextType, RequireFields<MutationCreateCollectionArgs, 'input'>>;
  createUploadBatch?: Resolver<ResolversTypes['UploadBatch'], ParentType, ContextType, Partial<MutationCreateUploadBatchArgs>>;
  deleteAudio?: Resolver<ResolversTypes['DeletePayload'], ParentType, ContextType, RequireFields<MutationDeleteAudioArgs, 'id'>>;
  deleteCollection?: Resolver<ResolversTypes['DeletePayload'], ParentType, ContextType, RequireFields<MutationDeleteCollectionArgs, 'id'>>;
  inviteMember?: Resolver<ResolversTypes['InviteMemberPayload'], ParentType, ContextType, RequireFields<MutationInviteMemberArgs, 'input'>>;
  removeFromCollection?: Resolver<ResolversTypes['Collection'], ParentType, ContextType, RequireFields<MutationRemoveFromCollectionArgs, 'assetIds' | 'collectionId'>>;
  removeMember?: Resolver<ResolversTypes['DeletePayload'], ParentType, ContextType, RequireFields<MutationRemoveMemberArgs, 'userId'>>;
  resetPassword?: Resolver<ResolversTypes['ResetPasswordPayload'], ParentType, ContextType, RequireFields<MutationResetPasswordArgs, 'input'>>;
  revokeApiKey?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType, RequireFields<MutationRevokeApiKeyArgs, 'id'>>;
  revokeInvitation?: Resolver<ResolversTypes['Invitation'], ParentType, ContextType, RequireFields<MutationRevokeInvitationArgs, 'id'>>;
  setMemberRole?: Resolver<ResolversTypes['Membership'], ParentType, ContextType, RequireFields<MutationSetMemberRoleArgs, 'role' | 'userId'>>;
  signIn?: Resolver<ResolversTypes['SignInPayload'], ParentType, ContextType, RequireFields<MutationSignInArgs, 'input'>>;
  signOut?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startReindex?: Resolver<ResolversTypes['ReindexPayload'], ParentType, ContextType>;
  switchTenant?: Resolver<ResolversTypes['SignInPayload'], ParentType, ContextType, RequireFields<MutationSwitchTenantArgs, 'slug'>>;
  updateAudioMetadata?: Resolver<ResolversTypes['Audio'], ParentType, ContextType, RequireFields<MutationUpdateAudioMetadataArgs, 'id' | 'input'>>;
  updateCollection?: Resolver<ResolversTypes['Collection'], ParentType, ContextType, RequireFields<MutationUpdateCollectionArgs, 'id' | 'input'>>;
};

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  audio?: Resolver<Maybe<ResolversTypes['Audio']>, ParentType, ContextType, RequireFields<QueryAudioArgs, 'id'>>;
  audios?: Resolver<ResolversTypes['AudioConnection'], ParentType, ContextType, Partial<QueryAudiosArgs>>;
  collection?: Resolver<Maybe<ResolversTypes['Collection']>, ParentType, ContextType, RequireFields<QueryCollectionArgs, 'id'>>;
  collections?: Resolver<ResolversTypes['CollectionConnection'], ParentType, ContextType, Partial<QueryCollectionsArgs>>;
  health?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  invitation?: Resolver<ResolversTypes['InvitationPreview'], ParentType, ContextType, RequireFields<QueryInvitationArgs, 'token'>>;
  me?: Resolver<Maybe<ResolversTypes['Me']>, ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['ModelVersion']>, ParentType, ContextType>;
  reindexStatus?: Resolver<Maybe<ResolversTypes['ReindexStatus']>, ParentType, ContextType>;
  searchAudio?: Resolver<ResolversTypes['SearchConnection'], ParentType, ContextType, RequireFields<QuerySearchAudioArgs, 'mode' | 'query'>>;
  searchByExample?: Resolver<ResolversTypes['SearchConnection'], ParentType, ContextType, RequireFields<QuerySearchByExampleArgs, 'exampleId'>>;
  similarAudio?: Resolver<ResolversTypes['SearchConnection'], ParentType, ContextType, RequireFields<QuerySimilarAudioArgs, 'assetId'>>;
  suggestTags?: Resolver<ResolversTypes['TagSuggestionConnection'], ParentType, ContextType, RequireFields<QuerySuggestTagsArgs, 'assetId'>>;
  tenant?: Resolver<ResolversTypes['Tenant'], ParentType, ContextType>;
  uploadBatch?: Resolver<Maybe<ResolversTypes['UploadBatch']>, ParentType, ContextType, RequireFields<QueryUploadBatchArgs, 'id'>>;
  uploadBatches?: Resolver<ResolversTypes['UploadBatchConnection'], ParentType, ContextType, Partial<QueryUploadBatchesArgs>>;
};

export type ReindexPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ReindexPayload'] = ResolversParentTypes['ReindexPayload']> = {
  jobId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ReindexStatusResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ReindexStatus'] = ResolversParentTypes['ReindexStatus']> = {
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  jobId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  progress?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['ReindexState'], ParentType, ContextType>;
};

export type ResetPasswordPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ResetPasswordPayload'] = ResolversParentTypes['ResetPasswordPayload']> = {
  email?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SearchConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SearchConnection'] = ResolversParentTypes['SearchConnection']> = {
  edges?: Resolver<Array<ResolversTypes['SearchHitEdge']>, ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['ModelVersion']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type SearchHitResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SearchHit'] = ResolversParentTypes['SearchHit']> = {
  asset?: Resolver<ResolversTypes['Audio'], ParentType, ContextType>;
  foundBy?: Resolver<Array<ResolversTypes['MatchSource']>, ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  segment?: Resolver<Maybe<ResolversTypes['TimeRange']>, ParentType, ContextType>;
};

export type SearchHitEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SearchHitEdge'] = ResolversParentTypes['SearchHitEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['SearchHit'], ParentType, ContextType>;
};

export type SignInPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SignInPayload'] = ResolversParentTypes['SignInPayload']> = {
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  tenant?: Resolver<ResolversTypes['Tenant'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export type TagSuggestionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TagSuggestion'] = ResolversParentTypes['TagSuggestion']> = {
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['TagSuggestionSource'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TagSuggestionConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TagSuggestionConnection'] = ResolversParentTypes['TagSuggestionConnection']> = {
  edges?: Resolver<Array<ResolversTypes['TagSuggestionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type TagSuggestionEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TagSuggestionEdge'] = ResolversParentTypes['TagSuggestionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['TagSuggestion'], ParentType, ContextType>;
};

export type TenantResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Tenant'] = ResolversParentTypes['Tenant']> = {
  apiKeys?: Resolver<ResolversTypes['ApiKeyConnection'], ParentType, ContextType, Partial<TenantApiKeysArgs>>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  invitations?: Resolver<ResolversTypes['InvitationConnection'], ParentType, ContextType, Partial<TenantInvitationsArgs>>;
  members?: Resolver<ResolversTypes['MembershipConnection'], ParentType, ContextType, Partial<TenantMembersArgs>>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  searchModel?: Resolver<Maybe<ResolversTypes['ModelVersion']>, ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TenantMembershipResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TenantMembership'] = ResolversParentTypes['TenantMembership']> = {
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  tenantName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tenantSlug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TimeRangeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TimeRange'] = ResolversParentTypes['TimeRange']> = {
  endS?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  startS?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type UploadBatchResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadBatch'] = ResolversParentTypes['UploadBatch']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<ResolversTypes['UploadItemConnection'], ParentType, ContextType, Partial<UploadBatchItemsArgs>>;
  progress?: Resolver<ResolversTypes['UploadBatchProgress'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['UploadBatchStatus'], ParentType, ContextType>;
  uploadUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type UploadBatchConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadBatchConnection'] = ResolversParentTypes['UploadBatchConnection']> = {
  edges?: Resolver<Array<ResolversTypes['UploadBatchEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type UploadBatchEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadBatchEdge'] = ResolversParentTypes['UploadBatchEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['UploadBatch'], ParentType, ContextType>;
};

export type UploadBatchProgressResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadBatchProgress'] = ResolversParentTypes['UploadBatchProgress']> = {
  done?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  duplicate?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  fraction?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  processing?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  queued?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type UploadItemResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadItem'] = ResolversParentTypes['UploadItem']> = {
  asset?: Resolver<Maybe<ResolversTypes['Audio']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  errorCode?: Resolver<Maybe<ResolversTypes['UploadErrorCode']>, ParentType, ContextType>;
  errorMessage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  filename?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  progress?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  sizeBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['UploadItemStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type UploadItemConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadItemConnection'] = ResolversParentTypes['UploadItemConnection']> = {
  edges?: Resolver<Array<ResolversTypes['UploadItemEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type UploadItemEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadItemEdge'] = ResolversParentTypes['UploadItemEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['UploadItem'], ParentType, ContextType>;
};

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  email?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = Context> = {
  ApiKey?: ApiKeyResolvers<ContextType>;
  ApiKeyConnection?: ApiKeyConnectionResolvers<ContextType>;
  ApiKeyEdge?: ApiKeyEdgeResolvers<ContextType>;
  Audio?: AudioResolvers<ContextType>;
  AudioConnection?: AudioConnectionResolvers<ContextType>;
  AudioEdge?: AudioEdgeResolvers<ContextType>;
  AudioMedia?: AudioMediaResolvers<ContextType>;
  Collection?: CollectionResolvers<ContextType>;
  CollectionConnection?: CollectionConnectionResolvers<ContextType>;
  CollectionEdge?: CollectionEdgeResolvers<ContextType>;
  CreateApiKeyPayload?: CreateApiKeyPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeletePayload?: DeletePayloadResolvers<ContextType>;
  Invitation?: InvitationResolvers<ContextType>;
  InvitationConnection?: InvitationConnectionResolvers<ContextType>;
  InvitationEdge?: InvitationEdgeResolvers<ContextType>;
  InvitationPreview?: InvitationPreviewResolvers<ContextType>;
  InviteMemberPayload?: InviteMemberPayloadResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Me?: MeResolvers<ContextType>;
  Membership?: MembershipResolvers<ContextType>;
  MembershipConnection?: MembershipConnectionResolvers<ContextType>;
  MembershipEdge?: MembershipEdgeResolvers<ContextType>;
  ModelVersion?: ModelVersionResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReindexPayload?: ReindexPayloadResolvers<ContextType>;
  ReindexStatus?: ReindexStatusResolvers<ContextType>;
  ResetPasswordPayload?: ResetPasswordPayloadResolvers<ContextType>;
  SearchConnection?: SearchConnectionResolvers<ContextType>;
  SearchHit?: SearchHitResolvers<ContextType>;
  SearchHitEdge?: SearchHitEdgeResolvers<ContextType>;
  SignInPayload?: SignInPayloadResolvers<ContextType>;
  TagSuggestion?: TagSuggestionResolvers<ContextType>;
  TagSuggestionConnection?: TagSuggestionConnectionResolvers<ContextType>;
  TagSuggestionEdge?: TagSuggestionEdgeResolvers<ContextType>;
  Tenant?: TenantResolvers<ContextType>;
  TenantMembership?: TenantMembershipResolvers<ContextType>;
  TimeRange?: TimeRangeResolvers<ContextType>;
  UploadBatch?: UploadBatchResolvers<ContextType>;
  UploadBatchConnection?: UploadBatchConnectionResolvers<ContextType>;
  UploadBatchEdge?: UploadBatchEdgeResolvers<ContextType>;
  UploadBatchProgress?: UploadBatchProgressResolvers<ContextType>;
  UploadItem?: UploadItemResolvers<ContextType>;
  UploadItemConnection?: UploadItemConnectionResolvers<ContextType>;
  UploadItemEdge?: UploadItemEdgeResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
};

