"""What the commands do, as library functions: each reads its inputs through the loader door
(peerkg.loaders), checks them with the shapes (peerkg.validation) and reads or writes the store
(peerkg.graph). The command line (peerkg.cli) only parses arguments and prints."""
