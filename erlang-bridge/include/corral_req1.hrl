%% The Cowboy 1.0/1.1 request record, field for field (cowboy_req.erl @ 1.1.2: the http_req record). erlang-bridge
%% builds 1.x Req values with it so that a real Cowboy 1.x cowboy_req accepts them, and the compat cowboy_req reads
%% them. Field order matters: cowboy_req 1.x uses record syntax compiled against this exact layout.
-record(http_req, {
    socket = undefined :: any(),
    transport = undefined :: undefined | module(),
    connection = keepalive :: keepalive | close,
    pid = undefined :: undefined | pid(),
    method = <<"GET">> :: binary(),
    version = 'HTTP/1.1' :: atom(),
    peer = undefined :: undefined | {inet:ip_address(), inet:port_number()},
    host = undefined :: undefined | binary(),
    host_info = undefined :: undefined | [binary()],
    port = undefined :: undefined | inet:port_number(),
    path = undefined :: undefined | binary(),
    path_info = undefined :: undefined | [binary()],
    qs = undefined :: undefined | binary(),
    qs_vals = undefined :: undefined | [{binary(), binary() | true}],
    bindings = undefined :: undefined | [{atom(), binary()}],
    headers = [] :: [{binary(), iodata()}],
    p_headers = [] :: [any()],
    cookies = undefined :: undefined | [{binary(), binary()}],
    meta = [] :: [{atom(), any()}],
    body_state = waiting :: any(),
    buffer = <<>> :: binary(),
    multipart = undefined :: any(),
    resp_compress = false :: boolean(),
    resp_state = waiting :: locked | waiting | waiting_stream | chunks | stream | done,
    resp_headers = [] :: [{binary(), iodata()}],
    resp_body = <<>> :: any(),
    onresponse = undefined :: any()
}).
