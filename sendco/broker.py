"""The Redis-free broker of `make run`: kombu's filesystem transport, each message written
atomically.

kombu's own transport creates a message's file, then writes it. A worker polling in between
moves the still empty file away, cannot decode it ("Unrecoverable error: JSONDecodeError"), and
stops; the message is lost. Here a message is written under a name no consumer reads, then
renamed into place, which is atomic within one folder.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"  # "<n>_<uuid>.<queue>.msg.part": not a message of any queue
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
