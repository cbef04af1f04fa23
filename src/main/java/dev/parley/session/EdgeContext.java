package dev.parley.session;

import dev.parley.chat.ChatCommands;
import dev.parley.node.NodeServices;
import dev.parley.ops.NodeMetrics;

/**
 * What every connection of one event loop shares: the node's services, this loop's registry and
 * chat commands, the per-connection limits from config, the sign-outs seen recently, and the
 * node's meters.
 */
record EdgeContext(NodeServices services, ConnectionRegistry registry, ChatCommands commands,
                   CommandPipeline.Limits limits, SignOutListener signOuts, NodeMetrics metrics) {}
