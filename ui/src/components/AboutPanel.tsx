import { useEffect } from "react";
import { useQuery } from "@tanstack/react-query";
import { queries } from "../api";
import { UpdatesSection } from "./UpdatesSection";

interface Props {
  onClose: () => void;
}

export function AboutPanel({ onClose }: Props) {
  const info = useQuery(queries.appInfo);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    // The overlay's click is a mouse shortcut for Close and Escape.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions
    <div className="overlay" onClick={onClose}>
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions -- stops the overlay's click */}
      <section
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="about-title"
        data-testid="about-panel"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="about-title">About Rollcall</h2>
        {info.isPending && <p>Loading…</p>}
        {info.isError && (
          <p className="error" role="alert">
            Could not read the app information: {info.error.message}
          </p>
        )}
        {info.data && (
          <dl className="facts">
            <dt>Version</dt>
            <dd data-testid="about-version">{info.data.version}</dd>
            <dt>Build</dt>
            <dd data-testid="about-profile">{info.data.profile}</dd>
            <dt>Platform</dt>
            <dd>{info.data.platform}</dd>
            <dt>Data folder</dt>
            <dd className="path" data-testid="about-data-dir">
              {info.data.dataDir}
            </dd>
            <dt>Log file</dt>
            <dd className="path" data-testid="about-log-file">
              {info.data.logFile}
            </dd>
          </dl>
        )}
        <UpdatesSection />
        <div className="actions">
          <button type="button" className="button" onClick={onClose} data-testid="about-close">
            Close
          </button>
        </div>
      </section>
    </div>
  );
}
