// The slices of the GraphQL schema (apps/api/src/schema.graphql) that the UI selects.

export type Role = "VIEWER" | "ARCHIVIST" | "ADMIN";
export type SearchMode = "CONTENT" | "METADATA" | "HYBRID";
export type MatchSource = "CONTENT" | "METADATA";
export type ApiKeyScope = "SEARCH" | "INGEST" | "ADMIN";
export type AssetStatus = "PENDING" | "PROCESSING" | "READY" | "FAILED";
export type UploadItemStatus = "QUEUED" | "PROCESSING" | "DONE" | "DUPLICATE" | "FAILED";
export type UploadBatchStatus = "OPEN" | "PROCESSING" | "DONE" | "FAILED";

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: PageInfo;
  totalCount?: number;
}

export interface AudioMedia {
  streamUrl: string;
  downloadUrl: string;
  peaksUrl: string | null;
  expiresAt: string;
}

export interface AudioSummary {
  id: string;
  title: string;
  originalFilename: string;
  tags: string[];
  category: string;
  licence: string;
  durationS: number;
  status: AssetStatus;
  media: AudioMedia;
}

export interface AudioDetail extends AudioSummary {
  description: string;
  custom: Record<string, unknown>;
  mime: string;
  codec: string;
  sizeBytes: number;
  sampleRate: number;
  channels: number;
  createdAt: string;
  updatedAt: string;
  segmentCount: number;
  collections: Connection<{ id: string; name: string }>;
}

export interface TimeRange {
  startS: number;
  endS: number;
}

export interface SearchHit {
  asset: AudioSummary;
  score: number;
  segment: TimeRange | null;
  foundBy: MatchSource[];
}

export interface ModelVersion {
  id: string;
  name: string;
  version: string;
  architecture: string | null;
  dim: number;
  experts: string[];
  metrics: unknown;
  createdAt: string;
}

export interface Me {
  user: { id: string; email: string; name: string } | null;
  tenant: { id: string; slug: string; name: string };
  role: Role | null;
  scopes: ApiKeyScope[];
  memberships: Array<{ tenantSlug: string; tenantName: string; role: Role }>;
}

export interface CollectionSummary {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  items: { totalCount: number };
}

export interface UploadItem {
  id: string;
  filename: string;
  sizeBytes: number;
  status: UploadItemStatus;
  progress: number;
  /** The API's UploadErrorCode enum (NOT_AUDIO, CORRUPT, TOO_LONG, ...); shown as it is. */
  errorCode: string | null;
  errorMessage: string | null;
  asset: { id: string; title: string } | null;
}

export interface UploadBatchProgress {
  total: number;
  queued: number;
  processing: number;
  done: number;
  duplicate: number;
  failed: number;
  fraction: number;
}

export interface UploadBatch {
  id: string;
  status: UploadBatchStatus;
  source: string;
  createdAt: string;
  finishedAt: string | null;
  uploadUrl: string;
  progress: UploadBatchProgress;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Member {
  user: { id: string; email: string; name: string };
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: "PENDING" | "ACCEPTED" | "REVOKED" | "EXPIRED";
  createdAt: string;
  expiresAt: string;
}

export interface InvitationPreview {
  email: string;
  role: Role;
  tenantName: string;
  expiresAt: string;
  accountExists: boolean;
  signedInAsInvitee: boolean;
}

export interface TagSuggestion {
  text: string;
  score: number;
  source: "TENANT_TAG" | "VOCABULARY";
}
