// Package runtime is the support library shared by every Go package that
// genlgen generates. Generated clients import only this package and the
// standard library.
//
// # What lives here
//
//   - [Dial] opens a [Conn] to one generic netlink family, resolving its id,
//     version, maximum attribute and multicast groups once through nlctrl
//     (CTRL_CMD_GETFAMILY).
//   - [Encoder] builds a request (netlink header, genl header, optional fixed
//     header, attributes) into a reused buffer. It goes at most
//     [MaxNestDepth] nests deep, so a value that contains itself fails to
//     encode with an error instead of overflowing the stack.
//   - [AttrIter] and the Read* helpers decode attributes straight from the
//     receive buffer; generated decoders walk attributes with
//     [AttrHeader] instead, read fixed-size integers with [U32] and its
//     kin after checking the size themselves, and fill the elements of an
//     array in place in a slice sized once.
//   - [Opt] holds an optional attribute's value inside a generated struct,
//     so decoding it allocates nothing.
//   - [Conn.Do] and [Conn.Dump] run one request; [Conn.Subscribe] receives
//     multicast notifications.
//   - [Conn.Subscribe] ends with [ErrFamilyRemoved] when the kernel
//     unregisters the family.
//   - [Error] carries the kernel's errno and extended ACK, with the offending
//     attribute mapped back to spec names through the [AttrSet] tables that
//     generated code supplies in each [Op].
//
// # Why not mdlayher/netlink on the hot path
//
// A generated "do" request is meant to cost about as much as a hand-written
// C send/recv loop. Going through mdlayher/netlink's Conn costs several times
// that: it peeks at every datagram (MSG_PEEK) before receiving it, parks the
// goroutine in the runtime network poller, and allocates per message and per
// attribute. This package therefore talks to an AF_NETLINK/NETLINK_GENERIC
// socket directly with golang.org/x/sys/unix:
//
//   - blocking send and recvfrom system calls, no poller and no peek (the
//     first socket only makes sure Go's poller runs, which timers need: a
//     process whose sockets had taken its last descriptors would otherwise
//     die starting it; running out of descriptors is an error, EMFILE);
//   - the kernel runs a request's handler inside sendmsg, so everything
//     that answers a "do" request is queued by the time the send returns.
//     An operation whose do form has a reply ([Op].DoReply) is therefore
//     sent without NLM_F_ACK: the reply ends the exchange (a failure still
//     comes as an error message), and one non-blocking recvfrom that finds
//     nothing queued means the request succeeded without a reply. That
//     receive never sleeps, so it is a raw system call, without the Go
//     scheduler's bookkeeping. Other requests ask for an ACK, which they
//     take the same way (waiting only if it is not there). A dump's
//     receives wait normally: the kernel builds its datagrams as they are
//     read, running the family's dump callback, which may take locks
//     (the first datagram excepted: the kernel queues it during the send);
//   - where the kernel has io_uring ([WithIOURing], on by default), a
//     request's send and that first non-blocking receive are one
//     io_uring_enter: a send linked to a receive with MSG_DONTWAIT, on a
//     two-entry ring each pooled socket owns. Entering the kernel is the
//     dearest part of a short request (BENCHMARKS.md, goal 1), and this
//     enters it once instead of twice. Later receives are plain
//     recvfrom calls, which honour SO_RCVTIMEO (see "Concurrency and contexts"). The ring
//     is used only after a probe has seen this kernel complete such a
//     receive at once with EAGAIN when nothing is queued; without a
//     usable io_uring, sockets make the two system calls;
//   - the code between two system calls runs cold (the kernel's work has
//     emptied the caches, and with page-table isolation the TLB), so the
//     common case takes the fewest steps there: a request's lone reply is
//     taken without the reader's loop, and the socket a caller used last
//     is lent again through one atomic slot, not the pool's mutex;
//   - one datagram per receive system call. recvmmsg could take two at
//     once, but it also tries for a second datagram when the first ended
//     the exchange, and measured slower on both benchmark dumps;
//   - each socket owns one receive buffer (32 KiB by default,
//     which is at least what the kernel fills a dump datagram with) that is
//     reused for every request; it grows only when the kernel reports
//     MSG_TRUNC, and the request that saw the truncation fails because the
//     rest of that datagram is gone;
//   - replies are decoded in place: callbacks and iterators receive slices of
//     the receive buffer, valid until they return;
//   - generated clients carve the structs, strings and byte slices of
//     replies out of chunks of [ChunkBytes] kept with each socket
//     ([Message].Scratch, [Chunk], [Bytes]), so a request allocates once
//     every few dozen requests rather than several times each: right
//     after the system calls, allocating costs several times what it
//     costs in a hot loop;
//   - a dump run with [ReuseReplies] decodes each reply into the memory of
//     the one before ([Chunk.Rewind]): fresh chunk memory must still be
//     allocated, zeroed, brought into the caches and marked by the garbage
//     collector, reused memory is warm and costs none of that. The reply
//     is then valid only until its loop iteration ends (generated
//     Notifications.All takes the option too). [ReuseReply] does
//     the same for a "do" request's reply, in a [ReplyArena] the caller
//     owns (a socket's memory cannot serve: the pool hands sockets to any
//     goroutine);
//   - encoding appends into a per-socket buffer, so a request allocates
//     nothing once the buffers have grown;
//   - operations are plain values ([Op]) and encoders/decoders plain
//     functions: no reflection and no per-attribute closures;
//   - a socket calls runtime.Gosched once every 64 system calls that the
//     Go scheduler sees. A goroutine in a tight request loop is otherwise
//     never rescheduled, and after 10 ms Go's sysmon starts taking its P
//     away during each system call and handing it to another thread,
//     which cost 10-15% more CPU time in a request loop.
//
// mdlayher/netlink and mdlayher/genetlink are not used by this package at all
// (only its benchmarks use genetlink, as a point of comparison).
//
// # Concurrency and contexts
//
// A [Conn] keeps a small pool of sockets. Each request borrows one socket for
// its whole exchange, so requests from many goroutines run in parallel and
// never see each other's replies. Every socket numbers its requests; replies
// must carry that sequence number and the socket's port id. Replies to an
// older request (left behind by a cancelled call) are discarded, anything
// else unexpected is an error. A socket whose exchange did not end cleanly
// (cancelled context, malformed stream, a dump the caller stopped reading) is
// closed instead of being returned to the pool, so the Conn stays usable.
//
// Receives block in the kernel with SO_RCVTIMEO set to a wake interval
// (100ms by default, see [WithWakeInterval]). When the call's context has a
// deadline closer than that, the timeout is shortened for that receive.
// After every timeout the context is checked, so cancellation is noticed
// within one wake interval and deadlines are honoured precisely. The fast
// path pays for none of this: the socket option is only changed when a
// deadline is near, and a reply that is already queued never waits.
package runtime
