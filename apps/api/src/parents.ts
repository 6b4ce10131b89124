// What each GraphQL object type's resolvers receive as parent (codegen "mappers"): mostly database rows.
import type { ApiKeyRow, InvitationRow, PendingInvitation, Role, UserRow } from "@earshot/auth";
import type { AssetRow, ModelVersionRow, SearchHit, SearchPage } from "@earshot/search";

export type { ApiKeyRow, AssetRow, InvitationRow, ModelVersionRow, UserRow };

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: PageInfo;
  /** Counted only when the field is selected. */
  totalCount?: () => Promise<number>;
}

export interface CollectionRow {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface BatchRow {
  id: string;
  status: "open" | "processing" | "done" | "failed";
  source: string;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ItemRow {
  id: string;
  filename: string;
  sizeBytes: number;
  status: "queued" | "processing" | "done" | "duplicate" | "failed";
  progress: number;
  errorCode: string | null;
  errorMessage: string | null;
  assetId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MembershipRow {
  userId: string;
  role: Role;
  createdAt: Date;
}

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  searchModelVersionId: string | null;
}

export type AudioConnectionParent = Connection<AssetRow>;
export type CollectionConnectionParent = Connection<CollectionRow>;
export type SearchHitParent = SearchHit;
export type SearchPageParent = SearchPage;

export interface MeParent {
  kind: "user" | "apiKey";
}

export interface SignInParent {
  user: UserRow;
  tenantId: string;
  role: Role;
}

export interface InvitePayloadParent {
  invitation: InvitationRow;
  link: string;
}

export type InvitationPreviewParent = PendingInvitation;

export interface CreateKeyPayloadParent {
  apiKey: ApiKeyRow;
  secret: string;
}
