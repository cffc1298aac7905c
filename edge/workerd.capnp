# The Worker in workerd, the open-source Workers runtime, as the tests and a local edge run it:
#
#   API_ORIGIN=http://127.0.0.1:8080 SESSION_JWKS="$(curl -s http://127.0.0.1:8080/api/auth/keys)" \
#     edge/node_modules/.bin/workerd serve --experimental edge/workerd.capnp \
#       --socket-addr http=127.0.0.1:8787 --directory-path rooms=/tmp/peershare-rooms \
#       --directory-path assets=web/dist
#
# The Worker's vars and secrets come from the environment (the names in wrangler.toml, plus
# MEDIA_SIGNING_KEY, TURN_SECRET, INTERNAL_SECRET and TEST_HOOKS); an unset one is absent. `cargo xtask edge`
# builds edge/build first. Production uses wrangler.toml instead.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .edge),
    # The built web client; override with --directory-path assets=<web/dist>.
    (name = "assets", disk = (path = "../web/dist")),
    # The call rooms' storage; override with --directory-path rooms=<folder>.
    (name = "rooms", disk = (path = "/tmp/peershare-edge-rooms", writable = true)),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const edge :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "build/index.js"),
    (name = "index_bg.wasm", wasm = embed "build/index_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "CALL_ROOM", durableObjectNamespace = "CallRoom"),
    (name = "ASSETS", service = "assets"),
    (name = "API_ORIGIN", fromEnvironment = "API_ORIGIN"),
    (name = "SESSION_JWKS", fromEnvironment = "SESSION_JWKS"),
    (name = "MEDIA_NODES", fromEnvironment = "MEDIA_NODES"),
    (name = "MEDIA_SIGNING_KEY", fromEnvironment = "MEDIA_SIGNING_KEY"),
    (name = "MEDIA_FLEET", fromEnvironment = "MEDIA_FLEET"),
    (name = "MEDIA_NODE_ORIGINS", fromEnvironment = "MEDIA_NODE_ORIGINS"),
    (name = "TURN_URLS", fromEnvironment = "TURN_URLS"),
    (name = "TURN_SECRET", fromEnvironment = "TURN_SECRET"),
    (name = "INTERNAL_SECRET", fromEnvironment = "INTERNAL_SECRET"),
    (name = "TURN_TTL_SECS", fromEnvironment = "TURN_TTL_SECS"),
    (name = "ICE_TRANSPORT_POLICY", fromEnvironment = "ICE_TRANSPORT_POLICY"),
    (name = "ROOM_CAPACITY", fromEnvironment = "ROOM_CAPACITY"),
    (name = "TEST_HOOKS", fromEnvironment = "TEST_HOOKS"),
  ],
  durableObjectNamespaces = [ (className = "CallRoom", uniqueKey = "peershare-CallRoom", enableSql = true) ],
  durableObjectStorage = (localDisk = "rooms"),
  globalOutbound = "internet",
);
