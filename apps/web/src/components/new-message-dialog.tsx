import { useMemo } from "react";
import { useOpenDm } from "../hooks/use-rooms";
import { useMe } from "../hooks/use-session";
import { Dialog } from "./dialog";
import { PeoplePicker } from "./people-picker";

/** "New message": find someone by name and open the direct message with them. */
export function NewMessageDialog({ onClose }: { onClose: () => void }) {
  const me = useMe();
  const openDm = useOpenDm();
  const notMe = useMemo(() => new Set([me.id]), [me.id]);
  return (
    <Dialog title="New message" subtitle="A conversation between the two of you." onClose={onClose}>
      <PeoplePicker
        focusKey={0}
        exclude={notMe}
        hint="Type the start of a username."
        onPick={async (username) => {
          await openDm(username);
          onClose();
        }}
      />
    </Dialog>
  );
}
