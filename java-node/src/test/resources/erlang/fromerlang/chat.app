{application, chat,
 [{description, "A Cowboy 2.x chat application served by Corral: its supervisor runs the listener"},
  {vsn, "1.0.0"},
  {registered, [chat_sup]},
  {applications, [kernel, stdlib, corral]},
  {mod, {chat_app, []}},
  %% router: cowboy_router (real Cowboy on the node) or corral_router; port: where the listener listens.
  {env, [{router, corral_router}, {port, 0}]}]}.
