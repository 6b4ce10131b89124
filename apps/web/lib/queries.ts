// GraphQL documents the UI sends. Field selections match the types in ./types.ts.

export const ME = /* GraphQL */ `
  query Me {
    me {
      user { id email name }
      tenant { id slug name }
      role
      scopes
      memberships { tenantSlug tenantName role }
    }
  }
`;

const AUDIO_SUMMARY = /* GraphQL */ `
  fragment AudioSummary on Audio {
    id
    title
    originalFilename
    tags
    category
    licence
    durationS
    status
    media { streamUrl downloadUrl peaksUrl expiresAt }
  }
`;

export const SEARCH = /* GraphQL */ `
  query Search($query: String!, $mode: SearchMode, $filter: AudioFilter, $first: Int, $after: String) {
    searchAudio(query: $query, mode: $mode, filter: $filter, first: $first, after: $after) {
      edges { cursor node { score foundBy segment { startS endS } asset { ...AudioSummary } } }
      pageInfo { hasNextPage endCursor }
      model { name version }
    }
  }
  ${AUDIO_SUMMARY}
`;

export const SEARCH_BY_EXAMPLE = /* GraphQL */ `
  query SearchByExample($exampleId: ID!, $filter: AudioFilter, $first: Int) {
    searchByExample(exampleId: $exampleId, filter: $filter, first: $first) {
      edges { cursor node { score foundBy segment { startS endS } asset { ...AudioSummary } } }
      pageInfo { hasNextPage endCursor }
      model { name version }
    }
  }
  ${AUDIO_SUMMARY}
`;

export const RECENT = /* GraphQL */ `
  query Recent($filter: AudioFilter, $first: Int, $after: String) {
    audios(filter: $filter, first: $first, after: $after, sort: { field: CREATED_AT, direction: DESC }) {
      edges { cursor node { ...AudioSummary } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
  ${AUDIO_SUMMARY}
`;

export const SIMILAR = /* GraphQL */ `
  query Similar($assetId: ID!, $segmentStart: Float, $first: Int) {
    similarAudio(assetId: $assetId, segmentStart: $segmentStart, first: $first) {
      edges { cursor node { score foundBy segment { startS endS } asset { ...AudioSummary } } }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${AUDIO_SUMMARY}
`;

export const AUDIO = /* GraphQL */ `
  query Audio($id: ID!) {
    audio(id: $id) {
      ...AudioSummary
      description
      custom
      mime
      codec
      sizeBytes
      sampleRate
      channels
      createdAt
      updatedAt
      segmentCount
      collections(first: 50) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } }
    }
  }
  ${AUDIO_SUMMARY}
`;

export const SUGGEST_TAGS = /* GraphQL */ `
  query SuggestTags($assetId: ID!, $first: Int) {
    suggestTags(assetId: $assetId, first: $first) {
      edges { cursor node { text score source } }
    }
  }
`;

export const UPDATE_AUDIO = /* GraphQL */ `
  mutation UpdateAudio($id: ID!, $input: AudioMetadataInput!) {
    updateAudioMetadata(id: $id, input: $input) { id title description tags category licence custom updatedAt }
  }
`;

export const DELETE_AUDIO = /* GraphQL */ `
  mutation DeleteAudio($id: ID!) {
    deleteAudio(id: $id) { deletedId }
  }
`;

export const COLLECTIONS = /* GraphQL */ `
  query Collections($first: Int, $after: String) {
    collections(first: $first, after: $after) {
      edges { cursor node { id name description createdAt updatedAt items(first: 1) { totalCount } } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`;

export const COLLECTION = /* GraphQL */ `
  query Collection($id: ID!, $first: Int, $after: String) {
    collection(id: $id) {
      id
      name
      description
      createdAt
      updatedAt
      items(first: $first, after: $after) {
        edges { cursor node { ...AudioSummary } }
        pageInfo { hasNextPage endCursor }
        totalCount
      }
    }
  }
  ${AUDIO_SUMMARY}
`;

export const CREATE_COLLECTION = /* GraphQL */ `
  mutation CreateCollection($input: CreateCollectionInput!) {
    createCollection(input: $input) { id name }
  }
`;

export const UPDATE_COLLECTION = /* GraphQL */ `
  mutation UpdateCollection($id: ID!, $input: UpdateCollectionInput!) {
    updateCollection(id: $id, input: $input) { id name description }
  }
`;

export const DELETE_COLLECTION = /* GraphQL */ `
  mutation DeleteCollection($id: ID!) {
    deleteCollection(id: $id) { deletedId }
  }
`;

export const ADD_TO_COLLECTION = /* GraphQL */ `
  mutation AddToCollection($collectionId: ID!, $assetIds: [ID!]!) {
    addToCollection(collectionId: $collectionId, assetIds: $assetIds) { id name }
  }
`;

export const REMOVE_FROM_COLLECTION = /* GraphQL */ `
  mutation RemoveFromCollection($collectionId: ID!, $assetIds: [ID!]!) {
    removeFromCollection(collectionId: $collectionId, assetIds: $assetIds) { id }
  }
`;

const BATCH_FIELDS = /* GraphQL */ `
  fragment BatchFields on UploadBatch {
    id
    status
    source
    createdAt
    finishedAt
    uploadUrl
    progress { total queued processing done duplicate failed fraction }
  }
`;

export const CREATE_UPLOAD_BATCH = /* GraphQL */ `
  mutation CreateUploadBatch($input: CreateUploadBatchInput) {
    createUploadBatch(input: $input) { ...BatchFields }
  }
  ${BATCH_FIELDS}
`;

export const CLOSE_UPLOAD_BATCH = /* GraphQL */ `
  mutation CloseUploadBatch($id: ID!) {
    closeUploadBatch(id: $id) { id status }
  }
`;

export const UPLOAD_BATCH = /* GraphQL */ `
  query UploadBatch($id: ID!, $after: String) {
    uploadBatch(id: $id) {
      ...BatchFields
      items(first: 100, after: $after) {
        edges { cursor node { id filename sizeBytes status progress errorCode errorMessage asset { id title } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
  ${BATCH_FIELDS}
`;

export const UPLOAD_BATCHES = /* GraphQL */ `
  query UploadBatches($first: Int) {
    uploadBatches(first: $first) {
      edges { cursor node { ...BatchFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${BATCH_FIELDS}
`;

const API_KEY_FIELDS = "id name prefix scopes createdAt lastUsedAt revokedAt";

export const API_KEYS = /* GraphQL */ `
  query ApiKeys {
    tenant { id apiKeys(first: 100) { edges { cursor node { ${API_KEY_FIELDS} } } pageInfo { hasNextPage endCursor } } }
  }
`;

export const CREATE_API_KEY = /* GraphQL */ `
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { secret apiKey { ${API_KEY_FIELDS} } }
  }
`;

export const REVOKE_API_KEY = /* GraphQL */ `
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) { ${API_KEY_FIELDS} }
  }
`;

const INVITATION_FIELDS = "id email role status createdAt expiresAt";

export const MEMBERS = /* GraphQL */ `
  query Members {
    tenant {
      id
      members(first: 100) { edges { cursor node { role createdAt user { id email name } } } pageInfo { hasNextPage endCursor } }
      invitations(first: 100) { edges { cursor node { ${INVITATION_FIELDS} } } pageInfo { hasNextPage endCursor } }
    }
  }
`;

export const INVITE_MEMBER = /* GraphQL */ `
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) { link invitation { ${INVITATION_FIELDS} } }
  }
`;

export const REVOKE_INVITATION = /* GraphQL */ `
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) { ${INVITATION_FIELDS} }
  }
`;

export const INVITATION = /* GraphQL */ `
  query Invitation($token: String!) {
    invitation(token: $token) { email role tenantName expiresAt accountExists signedInAsInvitee }
  }
`;

export const ACCEPT_INVITATION = /* GraphQL */ `
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { role user { id name } tenant { slug name } }
  }
`;

export const CHANGE_PASSWORD = /* GraphQL */ `
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`;

export const RESET_PASSWORD = /* GraphQL */ `
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) { email }
  }
`;

export const SET_MEMBER_ROLE = /* GraphQL */ `
  mutation SetMemberRole($userId: ID!, $role: Role!) {
    setMemberRole(userId: $userId, role: $role) { role user { id } }
  }
`;

export const REMOVE_MEMBER = /* GraphQL */ `
  mutation RemoveMember($userId: ID!) {
    removeMember(userId: $userId) { deletedId }
  }
`;

export const MODEL = /* GraphQL */ `
  query Model {
    model { id name version architecture dim experts metrics createdAt }
    audios(filter: { statuses: [READY] }, first: 1) { totalCount }
  }
`;

export const START_REINDEX = /* GraphQL */ `
  mutation StartReindex {
    startReindex { jobId }
  }
`;

/** The reindex job's state, polled by the admin model page while a reindex runs. */
export const REINDEX_STATUS = /* GraphQL */ `
  query ReindexStatus {
    reindexStatus { jobId state progress error }
  }
`;

export const SIGN_IN = /* GraphQL */ `
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) { role user { id name } tenant { slug name } }
  }
`;

export const SWITCH_TENANT = /* GraphQL */ `
  mutation SwitchTenant($slug: String!) {
    switchTenant(slug: $slug) { role tenant { slug name } }
  }
`;

export const SIGN_OUT = /* GraphQL */ `
  mutation SignOut {
    signOut
  }
`;
