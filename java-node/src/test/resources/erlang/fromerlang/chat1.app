{application, chat1,
 [{description, "A Cowboy 1.x chat application served by Corral: start/2 starts the listener"},
  {vsn, "1.0.0"},
  {registered, [chat1_sup]},
  {applications, [kernel, stdlib, corral]},
  {mod, {chat1_app, []}},
  {env, [{router, corral_router}, {port, 0}]}]}.
