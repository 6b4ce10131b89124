// Starts GraphiQL against this API's /graphql (same origin: the session cookie, if any, goes along).
/* global React, ReactDOM, GraphiQL */
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).href }),
    defaultEditorToolsVisibility: true,
  }),
);
