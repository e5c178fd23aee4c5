import { createContext, useContext } from 'react';

/** What the session lets the user do. */
export interface Features {
  readOnly: boolean;
}

export const FeaturesContext = createContext<Features>({ readOnly: false });

/** The session's features (read only: every editing control is hidden or disabled). */
export function useFeatures(): Features {
  return useContext(FeaturesContext);
}
