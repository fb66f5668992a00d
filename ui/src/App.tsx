import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { queries } from "./api";
import { VIEWS, type ViewId } from "./views";
import { Sidebar } from "./components/Sidebar";
import { StatusBar } from "./components/StatusBar";
import { AboutPanel } from "./components/AboutPanel";
import { EmptyView } from "./views/EmptyView";

export function App() {
  const [view, setView] = useState<ViewId>("users");
  const [aboutOpen, setAboutOpen] = useState(false);
  const info = useQuery(queries.appInfo);
  const demo = info.data?.demo ?? false;
  const spec = VIEWS.find((v) => v.id === view) ?? VIEWS[0];

  return (
    <div className="app">
      <Sidebar
        current={view}
        onSelect={setView}
        onAbout={() => setAboutOpen(true)}
        demo={demo}
        loading={info.isPending}
      />
      <main className="main">
        {demo && (
          <div className="banner" role="status" data-testid="demo-banner">
            Demo organisation — fictional data from the built-in JumpCloud simulator. The app does
            not load it yet, so the views below are empty.
          </div>
        )}
        {spec && <EmptyView spec={spec} />}
      </main>
      <StatusBar demo={demo} />
      {aboutOpen && <AboutPanel onClose={() => setAboutOpen(false)} />}
    </div>
  );
}
