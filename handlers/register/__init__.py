"""The member register as seen from chat: admin commands to add, link and list companies."""
