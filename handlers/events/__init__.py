"""Events and broadcasts: All-Hands, Stand-Ups, Spotlight talks, RSVPs and secretariat broadcasts."""
