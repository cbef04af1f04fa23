-- A notice being sent names the node sending it. Its lease then lasts as long as that node's own
-- lease (node_leases, renewed every few seconds while the node lives) or until lease_until, whichever
-- ends first: a node killed between a push service's 201 and recording the send hands the notice on
-- within one node lease (15 s by default), not after every retry's timeout and backoff (80 s).
ALTER TABLE push_notices ADD COLUMN lease_node text;
