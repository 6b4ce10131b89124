export { ASSET_COLUMNS, type AssetRow, type AssetStatus, assetsByIds, checkId, isUuid } from "./assets.ts";
export {
  checkFirst,
  DEFAULT_FIRST,
  decodeCursor,
  encodeCursor,
  MAX_FIRST,
  offsetCursor,
  offsetFromCursor,
} from "./cursor.ts";
export { SearchError, type SearchErrorCode } from "./errors.ts";
export { type AudioFilter, filterSql } from "./filter.ts";
export { MODEL_COLUMNS, type ModelVersionRow, tenantSearchModel } from "./model.ts";
export {
  assetQueryVector,
  contentCandidates,
  DEFAULT_EF_SEARCH,
  fuse,
  MAX_CANDIDATES,
  MAX_QUERY_CHARS,
  type MatchSource,
  metadataCandidates,
  type SearchDeps,
  type SearchHit,
  type SearchInput,
  type SearchMode,
  type SearchPage,
  searchAudio,
  searchByVector,
  type VectorSearchOptions,
} from "./search.ts";
